"""Staffing scenarios for researchers and planners (issue 5).

* :mod:`scheduler.scenarios.variation`: ``--vary`` parameters, headcount subsets and modified instances;
* :mod:`scheduler.scenarios.absence`: absence simulation with standby activation, judged by the checker;
* :mod:`scheduler.scenarios.sweep`: parameter sweeps with resumable CSV output, local or Dask parallelism;
* :mod:`scheduler.scenarios.staffing`: the smallest headcount per community that meets every minimum;
* :mod:`scheduler.scenarios.plots`: PNG figures of a sweep.
"""
