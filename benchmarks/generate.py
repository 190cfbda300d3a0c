"""Invented rounds of any size, valid by construction: for benchmarks (never real people)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from docgen.models import RoundInput
from docgen.workbook import write_workbook

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Lò",
    "Cầm",
    "Quàng",
    "Hà",
    "Vì",
    "Sùng",
    "Lường",
]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thu", "Quang", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = [
    "An",
    "Ánh",
    "Bình",
    "Cường",
    "Dung",
    "Đạt",
    "Giang",
    "Hà",
    "Hải",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Ngọc",
    "Phúc",
    "Quyên",
    "Sơn",
    "Tâm",
    "Thảo",
    "Tuấn",
    "Uyên",
    "Vân",
    "Yến",
]


def make_round(seed: int, people: int, titles: int) -> dict[str, Any]:
    """A review round of ``people`` invented cadres and ``titles`` titles (4 built-in steps),
    complete: every title has 2 to 4 candidates (``people`` ≥ 2 × ``titles``), whatever the size.
    Head titles draw on deputies, deputy titles on staff; the first cadres are made deputies or
    staff as the titles need, the others every third a deputy."""
    rng = random.Random(seed)
    per_title = max(2, min(4, people // max(1, titles)))
    heads = (titles + 1) // 2
    cadres = []
    for index in range(people):
        if index < per_title * heads:
            deputy = True
        elif index < per_title * titles:
            deputy = False
        else:
            deputy = index % 3 == 0
        cadres.append(
            {
                "code": f"U{seed}-{index:05d}",
                "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                "birth_date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1978, 1994)}",
                "gender": rng.choice(["Nam", "Nữ"]),
                "ethnicity": rng.choice(["Kinh", "Thái", "Mường", "Mông"]),
                "position": f"{'Phó Trưởng phòng' if deputy else 'Chuyên viên'} phòng {index % 7 + 1}",
                "unit": f"Đơn vị thử {seed}",
                "education": rng.choice(["Cử nhân Luật", "Thạc sĩ Kinh tế", "Cử nhân Hành chính"]),
                "political_theory": rng.choice(["Trung cấp", "Cao cấp", "Sơ cấp"]),
                "ratings": {2019: "HTTNV", 2020: "HTXSNV", 2021: "HTTNV"},
            }
        )
    title_rows, results = [], []
    deputies = [c for c in cadres if c["position"].startswith("Phó")]
    staff = [c for c in cadres if not c["position"].startswith("Phó")]
    for number in range(titles):
        head = number % 2 == 0
        name = f"{'Trưởng phòng' if head else 'Phó Trưởng phòng'} {number + 1}"
        pool = deputies if head else staff
        source = "Phó Trưởng phòng" if head else "Chuyên viên"
        title_rows.append({"name": name, "quota": 2, "source_1": [source]})
        candidates = [pool.pop(0) for _ in range(min(per_title, len(pool)))]
        for position, cadre in enumerate(candidates):
            results.append(
                {"step": 2, "title": name, "person": cadre["code"], "votes_for": 20 - position}
            )
            results.append(
                {"step": 3, "title": name, "person": cadre["code"], "votes_for": 12 - position}
            )
            results.append(
                {"step": 4, "title": name, "person": cadre["code"], "votes_for": 5 - position}
            )
    conference = {
        "date": "05/04/2022",
        "start": "08:00",
        "end": "10:00",
        "venue": "Phòng họp",
        "chair": "Người Chủ Trì",
        "counting_head": "Tổ Trưởng Kiểm",
        "counting_members": ["Thành Viên Một"],
    }
    return {
        "info": {
            "issuer_kind": "Nhà nước",
            "parent_body": "UBND TỈNH THỬ",
            "issuing_body": f"SỞ THỬ {seed}",
            "body_symbol": "ST",
            "place": "Thử",
            "round_kind": "Rà soát, bổ sung",
            "term": "2021-2026",
            "reference_date": "01/04/2022",
            "approving_body": "Ban Thường vụ Tỉnh ủy",
            "submission_number": str(seed % 90 + 1),
            "submission_date": "15/04/2022",
            "signer_position": "GIÁM ĐỐC",
            "signer_name": "Người Ký Thử",
        },
        "cadres": cadres,
        "titles": title_rows,
        "conferences": [
            {
                "step": 1,
                **conference,
                "convened": 5,
                "present": 5,
                "ballots_issued": 5,
                "ballots_returned": 5,
                "ballots_valid": 5,
                "ballots_invalid": 0,
            },
            {
                "step": 2,
                **conference,
                "convened": 30,
                "present": 28,
                "absent_with_reason": 2,
                "ballots_issued": 28,
                "ballots_returned": 28,
                "ballots_valid": 28,
                "ballots_invalid": 0,
            },
            {
                "step": 3,
                **conference,
                "convened": 15,
                "present": 15,
                "ballots_issued": 15,
                "ballots_returned": 15,
                "ballots_valid": 15,
                "ballots_invalid": 0,
            },
            {
                "step": 4,
                **conference,
                "convened": 5,
                "present": 5,
                "ballots_issued": 5,
                "ballots_returned": 5,
                "ballots_valid": 5,
                "ballots_invalid": 0,
            },
        ],
        "results": results,
    }


def write_round(path: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` as a workbook at ``path``."""
    write_workbook(path, RoundInput.model_validate(data))
    return path
