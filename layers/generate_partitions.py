"""Writes endpoint-partitions/partitions/<id>.json, one file per AWS partition, from the partition table compiled
into the aws-sdk-dynamodb crate this workspace builds with (the SQS crate carries the same
table). Run it after upgrading the SDK: `python3 layers/generate_partitions.py`, then
`make test` (tests/tests/api/partitions.rs checks every file against the SDK's own table).

Each file keeps its partition's outputs and regular expression, and of its regions only the
`*-global` pseudo-regions, which no expression matches; the other regions carry nothing but a
description, so resolving them by the expression gives the same endpoints.
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LAYER = os.path.join(HERE, "endpoint-partitions")


def sdk_source():
    host = next(l.split()[1] for l in subprocess.check_output(["rustc", "-vV"], text=True).splitlines()
                if l.startswith("host:"))
    meta = json.loads(subprocess.check_output(
        ["cargo", "metadata", "--format-version", "1", "--filter-platform", host], cwd=HERE))
    for package in meta["packages"]:
        if package["name"] == "aws-sdk-dynamodb":
            return os.path.join(os.path.dirname(package["manifest_path"]), "src", "endpoint_lib.rs")
    sys.exit("aws-sdk-dynamodb is not in the workspace's dependencies")


def built_in_table(path):
    source = open(path, encoding="utf-8").read()
    match = re.search(r'loading default partitions.*?new_from_json\(b"(.*?)"\)', source, re.S)
    if not match:
        sys.exit(f"no built-in partition table found in {path}")
    return json.loads(match.group(1).encode().decode("unicode_escape"))


def main():
    table = built_in_table(sdk_source())
    out = os.path.join(LAYER, "partitions")
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    for partition in table["partitions"]:
        regions = {k: v for k, v in partition["regions"].items() if k.endswith("-global")}
        one = {"partitions": [dict(partition, regions=regions)], "version": table["version"]}
        with open(os.path.join(out, f"{partition['id']}.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(one, separators=(",", ":"), sort_keys=True) + "\n")
        print(f"partitions/{partition['id']}.json: {len(partition['regions'])} regions in the SDK's table")


if __name__ == "__main__":
    main()
