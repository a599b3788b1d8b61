"""A city-sized instance: several generated towns side by side in one instance file.

``schedule generate`` makes a town of about 400 cadres; a city is about ten
of them. Each town (``--profile town``, seeds 1 to N) keeps its own
communities, checkpoints, units and cadres, their ids prefixed with the
town's number (``t01-c05``, ``t01-p0001``); the shifts, the horizon and the
rules are the same for every town. Standby overrides that name no community
are written out for each community of their town, so that one town's
overrides never reach another's communities. Run:

    python benchmarks/city.py --towns 10 --days 14 -o city.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scheduler.generate import generate_instance


def _prefixed(prefix: str, town: dict[str, Any]) -> dict[str, Any]:
    """The town's communities, checkpoints, units, cadres and standby overrides with prefixed ids."""
    def name(identifier: str) -> str:
        return f"{prefix}-{identifier}"

    communities = [{**community, "id": name(community["id"])} for community in town["communities"]]
    checkpoints = [
        {**checkpoint, "id": name(checkpoint["id"]), "community": name(checkpoint["community"])}
        for checkpoint in town["checkpoints"]
    ]
    units = [{**unit, "id": name(unit["id"])} for unit in town.get("units", [])]
    cadres = []
    for cadre in town["cadres"]:
        moved = {**cadre, "id": name(cadre["id"]), "communities": [name(item) for item in cadre["communities"]]}
        if cadre.get("unit") is not None:
            moved["unit"] = name(cadre["unit"])
        cadres.append(moved)
    overrides = []
    for override in town.get("standby", {}).get("overrides", []):
        if "community" in override:
            overrides.append({**override, "community": name(override["community"])})
        else:
            overrides.extend({**override, "community": community["id"]} for community in communities)
    return {"communities": communities, "checkpoints": checkpoints, "units": units, "cadres": cadres,
            "overrides": overrides}


def city_instance(towns: int, days: int) -> dict[str, Any]:
    """Towns generated with seeds 1..``towns``, side by side."""
    first = generate_instance("town", 1, days)
    city: dict[str, Any] = {
        "name": f"city of {towns} generated towns, {days} days",
        "horizon": first["horizon"],
        "shifts": first["shifts"],
        "communities": [],
        "checkpoints": [],
        "units": [],
        "cadres": [],
        "rules": first["rules"],
        "standby": {**first["standby"], "overrides": []},
        "objective": first["objective"],
    }
    for seed in range(1, towns + 1):
        town = first if seed == 1 else generate_instance("town", seed, days)
        part = _prefixed(f"t{seed:02d}", town)
        for key in ("communities", "checkpoints", "units", "cadres"):
            city[key].extend(part[key])
        city["standby"]["overrides"].extend(part["overrides"])
    return city


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--towns", type=int, default=10)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("-o", "--output", type=Path, required=True)
    arguments = parser.parse_args()
    city = city_instance(arguments.towns, arguments.days)
    arguments.output.write_text(json.dumps(city, ensure_ascii=False), encoding="utf-8")
    print(f"{arguments.output}: {len(city['cadres'])} cadres, {len(city['checkpoints'])} checkpoints, "
          f"{len(city['communities'])} communities, {arguments.days} days")


if __name__ == "__main__":
    main()
