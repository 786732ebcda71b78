"""The tests' own watchlists and rules, so they do not depend on the shipped pack's contents.

Nobody else wrote these names: "Acme Data" and "Globex" stand for any company's vendor and
competitor, and the `supplier` / `rival` roles prove that roles are not hard-coded.
"""

from __future__ import annotations

from pathlib import Path

# Our vendor and our competitor, as every rule file below but the supplier/rival one names them.
# Line numbers matter to nothing here; rule-check tests write their own broken files.
ACME_AND_GLOBEX = """\
entities:
  - id: acme-data
    name: Acme Data
    roles: [vendor]
    aliases: ["Acme Data", "AcmeData"]
  - id: globex
    name: Globex Corporation
    roles: [competitor]
    aliases: ["Globex", "Globex Corporation"]
"""

VENDOR_DEAL = ACME_AND_GLOBEX + """\
rules:
  - id: e2e-vendor-deal
    title: Our vendor signs with our competitor (e2e)
    severity: high
    match:
      all:
        - entity: vendor
        - entity: competitor
        - phrase: [signs, signed, deal, partnership, stake]
      within: sentence
    message: "{vendor} and {competitor}: {title}"
"""

# After a reload: the deal rule is gone, an acquisition rule (medium) and a second one take over.
AFTER_RELOAD = ACME_AND_GLOBEX + """\
rules:
  - id: e2e-competitor-acquires
    title: Our competitor acquires part of our vendor (e2e)
    severity: medium
    match:
      all:
        - entity: vendor
        - entity: competitor
        - phrase: [acquires, acquired, buys]
      within: sentence
    message: "{competitor} acquires {vendor}: {title}"
  - id: e2e-vendor-lawsuit
    title: Our vendor sues our competitor (e2e)
    severity: low
    match:
      all:
        - entity: vendor
        - entity: competitor
        - phrase: [sues, lawsuit]
      within: sentence
    message: "{vendor} v. {competitor}: {title}"
"""

# Invalid: a YAML mapping that never closes.
BROKEN_YAML = """\
entities:
  - id: acme-data
    name: Acme Data
    roles: [vendor
rules: []
"""

SUPPLIER_RIVAL = """\
entities:
  - id: acme-data
    name: Acme Data
    roles: [supplier]
    aliases: ["Acme Data"]
  - id: initech
    name: Initech
    roles: [supplier]
    aliases: ["Initech", "Initech Labs"]
  - id: globex
    name: Globex Corporation
    roles: [rival]
    aliases: ["Globex"]
  - id: umbrella
    name: Umbrella Corporation
    roles: [rival]
    aliases: ["Umbrella Corp", "Umbrella Corporation"]
rules:
  - id: supplier-partners-with-rival
    title: A supplier partners with a rival
    severity: critical
    match:
      all:
        - entity: supplier
        - entity: rival
        - phrase: [inks, partnership, agreement, contract]
      within: sentence
    message: "{supplier} / {rival}: {title}"
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
