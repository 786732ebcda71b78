#!/usr/bin/env python3
"""Rule quality: precision and recall of the shipped rule packs on real, labelled headlines.

Runs the real `frenemyctl match --json` with the shipped rules (`Rules/`) and a watchlist built
from the corpus in which every company is both a vendor and a competitor, then scores each item
against its label, per split (dev / heldout) and per kind, next to a naive baseline ("two
companies and a deal word"). Figures are printed as ratios.

    python3 Benchmarks/rule_quality.py                      # both splits, shipped rules
    python3 Benchmarks/rule_quality.py --errors dev          # list dev misses and false alarms
    python3 Benchmarks/rule_quality.py --json                # machine-readable summary
    python3 Benchmarks/rule_quality.py --per-rule --split dev  # precision, recall, false alarms, misses per rule
    python3 Benchmarks/rule_quality.py --labels FILE --companies FILE   # another labelled file

Scoring, per item (one notification per item, as the dispatch stage merges an item's alerts):
- an alert is *right* when its vendor and competitor are the labelled pair (or a listed
  alternative pair) and, when the rule is directional (acquires, invests, executive joins), its
  competitor is the labelled actor unless the item's relation is symmetric (a partnership);
- an alerted item is a true positive when it is a labelled deal and every alert on it is right;
  any other alerted item is a false positive; a labelled deal without a right notification is a
  false negative. precision = TP / alerted items, recall = TP / deals.

The heldout split is for reporting only: `--errors` refuses it unless asked by name, so rules are
tuned on dev alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "Tests" / "quality"

# Directional rules and the role that is the actor (buyer, investor, the company hiring).
DIRECTIONAL = {
    "competitor-acquires-vendor": "competitor",
    "competitor-invests-in-vendor": "competitor",
    "vendor-invests-in-competitor": "vendor",
    "vendor-executive-joins-competitor": "competitor",
}
SYMMETRIC_RELATIONS = {"partnership"}

# The naive baseline: two watchlist companies (any case) and one deal word in the same text.
NAIVE_DEAL_WORDS = re.compile(
    r"\b(acqui\w*|buys?|bought|buying|merg\w*|takeover|deals?|agreements?|partner\w*|invest\w*|stakes?|"
    r"funding|round|backs|backed|signs?|signed|inks?|inked|joins?|joined|hires?|hired|licen[cs]\w*|contracts?|"
    r"alliance|collaborat\w*)\b",
    re.IGNORECASE,
)


def load_corpus(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_companies(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def write_watchlist(companies: list[dict], path: Path) -> None:
    """Every company both vendor and competitor (JSON is YAML, so quoting is exact)."""
    lines = ["entities:"]
    for c in companies:
        lines.append(f"  - id: {json.dumps(c['id'])}")
        lines.append(f"    name: {json.dumps(c['name'])}")
        lines.append("    roles: [vendor, competitor]")
        lines.append(f"    aliases: {json.dumps(c['aliases'], ensure_ascii=False)}")
        if c.get("ordinary_word"):
            lines.append("    ordinary_word: true")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def find_frenemyctl(explicit: str | None) -> str:
    if explicit:
        return explicit
    for scratch in (".build", ".build-quality", ".build-rules"):
        candidate = REPO / scratch / "debug" / "frenemyctl"
        if candidate.exists():
            return str(candidate)
    sys.exit("frenemyctl not found: build it (swift build --product frenemyctl) or pass --frenemyctl")


def run_frenemy(ctl: str, rules: list[str], items: list[dict], companies: list[dict]) -> dict[str, list[dict]]:
    """Item id -> alerts, each {rule, vendor, competitor} as company ids."""
    by_name = {c["name"]: c["id"] for c in companies}
    with tempfile.TemporaryDirectory() as tmp:
        watchlist = Path(tmp) / "watchlist.yaml"
        write_watchlist(companies, watchlist)
        feed = Path(tmp) / "items.jsonl"
        feed.write_text(
            "".join(json.dumps({"id": i["id"], "title": i["title"], "url": i["url"]}) + "\n" for i in items),
            encoding="utf-8",
        )
        out = subprocess.run(
            [ctl, "match", "--json", "--rules", *rules, str(watchlist), str(feed)],
            capture_output=True, text=True, check=False,
        )
    if out.returncode != 0:
        sys.exit(f"frenemyctl match failed ({out.returncode}):\n{out.stderr}")
    alerts: dict[str, list[dict]] = defaultdict(list)
    for m in json_objects(out.stdout):
        ents = m.get("entities", {})
        alerts[m["item"]["id"]].append({
            "rule": m["rule"],
            "vendor": by_name.get(ents.get("vendor", "")),
            "competitor": by_name.get(ents.get("competitor", "")),
            "explanation": m.get("explanation", ""),
        })
    return alerts


def json_objects(text: str):
    """The JSON objects of `match --json`, one per alert. Decoded one after another rather than
    per line: when stdout is a pipe, frenemyctl's newlines can arrive after the objects."""
    decoder = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return
        obj, pos = decoder.raw_decode(text, pos)
        yield obj


def run_naive(items: list[dict], companies: list[dict]) -> dict[str, list[dict]]:
    patterns = []
    for c in companies:
        for a in c["aliases"]:
            patterns.append((re.compile(r"(?<![A-Za-z0-9])" + re.escape(a) + r"(?![A-Za-z0-9])", re.IGNORECASE), c["id"]))
    alerts: dict[str, list[dict]] = {}
    for item in items:
        text = item["title"]
        if not NAIVE_DEAL_WORDS.search(text):
            continue
        found: list[tuple[int, str]] = []
        for rx, cid in patterns:
            m = rx.search(text)
            if m:
                found.append((m.start(), cid))
        ordered = []
        for _, cid in sorted(found):
            if cid not in ordered:
                ordered.append(cid)
        if len(ordered) >= 2:
            alerts[item["id"]] = [{"rule": "naive", "vendor": ordered[1], "competitor": ordered[0], "explanation": ""}]
    return alerts


def alert_is_right(alert: dict, item: dict, directed: bool = True) -> bool:
    """Right pair, and (when `directed`) the right direction for a directional rule."""
    if item["relation"] == "none":
        return False
    pairs = [{"actor": item["actor"], "object": item["object"], "directed": True}] + item.get("alt_pairs", [])
    relations = {item["relation"], *item.get("also", [])}
    symmetric_item = bool(relations & SYMMETRIC_RELATIONS)
    for p in pairs:
        if {alert["vendor"], alert["competitor"]} != {p["actor"], p["object"]}:
            continue
        actor_role = DIRECTIONAL.get(alert["rule"]) if directed else None
        if actor_role is None or symmetric_item or not p["directed"] or alert[actor_role] == p["actor"]:
            return True
    return False


def score(items: list[dict], alerts: dict[str, list[dict]]) -> dict:
    s = score_with(items, alerts, directed=True)
    loose = score_with(items, alerts, directed=False)
    s["pair_only"] = {k: loose[k] for k in ("precision", "recall", "tp", "alerted")}
    return s


def score_with(items: list[dict], alerts: dict[str, list[dict]], directed: bool) -> dict:
    tp = fp = fn = 0
    kinds: dict[str, Counter] = defaultdict(Counter)
    double = 0
    name_word_alerts = 0
    errors: list[tuple[str, dict, list[dict]]] = []
    for item in items:
        got = alerts.get(item["id"], [])
        positive = item["relation"] != "none"
        kind = item["relation"] if positive else item["kind"]
        kinds[kind]["items"] += 1
        if len(got) > 1:
            double += 1
        if got:
            kinds[kind]["alerted"] += 1
        right = bool(got) and all(alert_is_right(a, item, directed) for a in got)
        if positive and right:
            tp += 1
            kinds[kind]["right"] += 1
        elif got:
            fp += 1
            errors.append(("false alarm" if not positive else "wrong alert", item, got))
        if positive and not right:
            fn += 1
            if not got:
                errors.append(("miss", item, got))
        if item["kind"] == "name_word" and got:
            name_word_alerts += 1
    alerted = tp + fp
    positives = tp + fn
    return {
        "items": len(items), "deals": positives, "alerted": alerted, "tp": tp, "fp": fp, "fn": fn,
        "precision": tp / alerted if alerted else 1.0, "recall": tp / positives if positives else 1.0,
        "double_fired_items": double, "name_word_alerts": name_word_alerts,
        "kinds": {k: dict(v) for k, v in sorted(kinds.items())}, "errors": errors,
    }


# The rule a labelled deal is expected to raise, for "misses per rule".
RULE_FOR_RELATION = {
    "acquisition": "competitor-acquires-vendor",
    "investment": "competitor-invests-in-vendor",
    "partnership": "vendor-signs-with-competitor",
    "executive_move": "vendor-executive-joins-competitor",
}


def per_rule(items: list[dict], alerts: dict[str, list[dict]]) -> dict[str, dict]:
    """Per rule: its alerts, how many were right, its false alarms (wrong pair or direction, or
    no deal), and the labelled deals of its relation that no right alert caught (misses). An
    investment the other way round counts for vendor-invests-in-competitor as well."""
    out: dict[str, dict] = defaultdict(lambda: {"alerts": 0, "right": 0, "false": [], "missed": [], "deals": 0})
    for item in items:
        got = alerts.get(item["id"], [])
        for a in got:
            r = out[a["rule"]]
            r["alerts"] += 1
            if alert_is_right(a, item):
                r["right"] += 1
            else:
                r["false"].append((item, a))
        if item["relation"] != "none":
            rule = RULE_FOR_RELATION.get(item["relation"])
            if rule:
                out[rule]["deals"] += 1
                if not any(alert_is_right(a, item) for a in got):
                    out[rule]["missed"].append(item)
    for r in out.values():
        r["precision"] = r["right"] / r["alerts"] if r["alerts"] else 1.0
        caught = r["deals"] - len(r["missed"])
        r["recall"] = caught / r["deals"] if r["deals"] else 1.0
    return dict(sorted(out.items()))


def print_per_rule(name: str, rules: dict[str, dict], errors: bool) -> None:
    print(f"  per rule, {name} (recall: deals of the rule's relation caught by a right alert of any rule):")
    for rule, r in rules.items():
        print(f"    {rule:<36} alerts {r['alerts']:>3}  precision {r['precision']:.2f} ({r['right']}/{r['alerts']})  "
              f"recall {r['recall']:.2f} ({r['deals'] - len(r['missed'])}/{r['deals']})  "
              f"false alarms {len(r['false'])}  misses {len(r['missed'])}")
        if errors:
            for item, a in r["false"]:
                print(f"      false alarm [{item['id']}] ({item['kind']}) {a['competitor']}/{a['vendor']}: {item['title']}")
            for item in r["missed"]:
                print(f"      miss [{item['id']}] {item['actor']} -> {item['object']}: {item['title']}")


def print_report(name: str, s: dict) -> None:
    print(f"  {name:<9} items {s['items']:>3}  deals {s['deals']:>3}  alerted {s['alerted']:>3}  "
          f"precision {s['precision']:.2f} ({s['tp']}/{s['alerted']})  recall {s['recall']:.2f} ({s['tp']}/{s['deals']})  "
          f"double-fired {s['double_fired_items']}  name-as-word alerts {s['name_word_alerts']}")
    loose = s["pair_only"]
    print(f"  {'':<9} ignoring direction: precision {loose['precision']:.2f}  recall {loose['recall']:.2f}")


def print_kinds(s: dict) -> None:
    for kind, c in s["kinds"].items():
        if "right" in c or kind in ("acquisition", "investment", "partnership", "executive_move"):
            print(f"      deal:{kind:<16} recall {c.get('right', 0)}/{c['items']}")
        else:
            print(f"      not a deal:{kind:<12} false alarms {c.get('alerted', 0)}/{c['items']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frenemyctl", help="path of the frenemyctl binary (default: the .build, .build-quality or .build-rules debug build)")
    ap.add_argument("--rules", nargs="+", default=[str(REPO / "Rules")], help="rule files or directories")
    ap.add_argument("--labels", "--corpus", dest="corpus", default=str(CORPUS / "headlines.jsonl"),
                    help="labelled headlines, one JSON object a line (Tests/quality/README.md)")
    ap.add_argument("--companies", default=str(CORPUS / "companies.json"))
    ap.add_argument("--errors", choices=["dev", "heldout"], help="list the misses and false alarms of one split")
    ap.add_argument("--kinds", action="store_true", help="break the figures down per kind")
    ap.add_argument("--split", choices=["dev", "heldout", "both"], default="both",
                    help="which split to report (tune with --split dev; heldout is for the final report)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    ap.add_argument("--per-rule", action="store_true",
                    help="precision, recall, false alarms and misses per rule (listed with --errors for that split)")
    args = ap.parse_args()

    items = load_corpus(Path(args.corpus))
    companies = load_companies(Path(args.companies))
    ctl = find_frenemyctl(args.frenemyctl)
    frenemy = run_frenemy(ctl, args.rules, items, companies)
    naive = run_naive(items, companies)

    splits = {"dev": [i for i in items if i["split"] == "dev"], "heldout": [i for i in items if i["split"] == "heldout"]}
    results = {
        matcher: {split: score(subset, alerts) for split, subset in splits.items()}
        for matcher, alerts in (("frenemy", frenemy), ("naive", naive))
    }
    if args.json:
        print(json.dumps({m: {s: {k: v for k, v in r.items() if k != "errors"} for s, r in rs.items()}
                          for m, rs in results.items()}, indent=1))
        return 0
    print(f"corpus: {len(items)} labelled headlines ({len(splits['dev'])} dev, {len(splits['heldout'])} heldout), "
          f"{len(companies)} companies, each both vendor and competitor; rules: {' '.join(args.rules)}")
    shown = ("dev", "heldout") if args.split == "both" else (args.split,)
    for matcher in ("frenemy", "naive"):
        print(f"{matcher}:")
        for split in shown:
            print_report(split, results[matcher][split])
            if args.kinds:
                print_kinds(results[matcher][split])
    if args.per_rule:
        for split in shown:
            print_per_rule(split, per_rule(splits[split], frenemy), errors=args.errors == split)
    f, n = results["frenemy"]["dev"], results["naive"]["dev"]
    print(f"ratio frenemy/naive on dev: precision {f['precision'] / n['precision']:.2f}x, "
          f"recall {f['recall'] / n['recall']:.2f}x")
    if args.errors:
        print(f"\n{args.errors} errors:")
        for what, item, got in results["frenemy"][args.errors]["errors"]:
            label = (f"{item['relation']} {item['actor']} -> {item['object']}" if item["relation"] != "none"
                     else f"not a deal ({item['kind']})")
            print(f"- {what} [{item['id']}] {label}: {item['title']}")
            for a in got:
                print(f"    {a['rule']}: competitor={a['competitor']} vendor={a['vendor']} — {a['explanation']}")
    return 0


if __name__ == "__main__":
    os.chdir(REPO)
    sys.exit(main())
