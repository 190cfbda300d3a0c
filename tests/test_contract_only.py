"""A workbook written by someone who read only inputs.md (not our examples) gives a correct
dossier, or precise errors and no files (issue #2, "Done when").

The workbook is built here cell by cell as such a person would: their own column order, real
Excel dates and times, the combined rows inputs.md prints ("Số tờ trình, Ngày tờ trình"), no
docgen extensions, an empty "Quy trình".
"""

from __future__ import annotations

import json
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from docgen.dossier import build_dossier
from docgen.errors import InputError

from .test_dossier import docx_text


def _sheet(workbook: Workbook, name: str, rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(name)
    for row in rows:
        sheet.append(row)


def contract_workbook(path: Path, *, present_step_3: int = 9) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "Thông tin chung",
        [
            ["Mục", "Giá trị"],
            ["Khối", "Nhà nước"],
            ["Cơ quan cấp trên", "UBND TỈNH LAI CHÂU"],
            ["Cơ quan ban hành", "SỞ NỘI VỤ"],
            ["Ký hiệu cơ quan", "SNV"],
            ["Địa danh", "Lai Châu"],
            ["Loại đợt", "rà soát, bổ sung"],
            ["Nhiệm kỳ", "2021-2026"],
            ["Ngày tính tuổi", datetime(2023, 3, 1)],
            ["Quy trình", None],
            ["Cấp phê duyệt", "Ban cán sự đảng UBND tỉnh"],
            ["Số tờ trình, Ngày tờ trình", "7, 20/03/2023"],
            ["Quyền ký, Chức vụ người ký, Người ký", "KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC, Lù Văn Khoa"],
        ],
    )
    _sheet(
        workbook,
        "Cán bộ",
        [
            [
                "Họ và tên",
                "Giới tính",
                "Ngày sinh",
                "Chức vụ",
                "Đơn vị",
                "Chuyên môn",
                "Xếp loại 2020",
                "Xếp loại 2021",
                "Xếp loại 2022",
                "Chức danh đã quy hoạch",
                "Dân tộc",
            ],
            [
                "Tẩn Thị Mẩy",
                "Nữ",
                datetime(1989, 5, 2),
                "Chuyên viên",
                "Phòng Tổ chức",
                "Cử nhân Luật",
                "HTTNV",
                "HTXSNV",
                "HTXSNV",
                None,
                "Dao",
            ],
            [
                "Vàng A Sinh",
                "Nam",
                "1986",
                "Chuyên viên chính",
                "Phòng Công chức",
                "Cử nhân Hành chính",
                "HTTNV",
                "HTTNV",
                "HTXSNV",
                None,
                "Mông",
            ],
            [
                "Nguyễn Thu Hà",
                "Nữ",
                "07/1991",
                "Chuyên viên",
                "Văn phòng Sở",
                "Thạc sĩ Quản lý công",
                "HTTNV",
                "HTTNV",
                "HTTNV",
                None,
                "Kinh",
            ],
            [
                "Lò Văn Pó",
                "Nam",
                datetime(1984, 11, 20),
                "Chuyên viên",
                "Phòng Xây dựng chính quyền",
                "Cử nhân Kinh tế",
                "HTNV",
                "HTTNV",
                "HTTNV",
                "Phó Trưởng phòng",
                "Thái",
            ],
        ],
    )
    _sheet(
        workbook,
        "Chức danh",
        [
            ["Chức danh", "Số lượng", "Nguồn đối tượng 1"],
            ["Phó Trưởng phòng", 1, "Chuyên viên"],
        ],
    )
    common = [
        "Phòng họp Sở Nội vụ",
        "Lù Văn Khoa",
        "Tẩn Thị Mẩy",
        "Giàng Seo Phử",
        "Lò Thị Xuân; Đỗ Văn Tú",
    ]
    _sheet(
        workbook,
        "Hội nghị",
        [
            [
                "Bước",
                "Ngày",
                "Bắt đầu",
                "Kết thúc",
                "Địa điểm",
                "Chủ trì",
                "Thư ký",
                "Tổ trưởng kiểm phiếu",
                "Thành viên tổ kiểm phiếu",
                "Triệu tập",
                "Có mặt",
                "Vắng có lý do",
                "Phiếu phát ra",
                "Phiếu thu vào",
                "Phiếu hợp lệ",
                "Phiếu không hợp lệ",
            ],
            [1, datetime(2023, 3, 6), time(8), time(9), *common, 4, 4, 0, 4, 4, 4, 0],
            [2, datetime(2023, 3, 8), time(14), time(15, 30), *common, 20, 18, 2, 18, 18, 18, 0],
            [
                3,
                datetime(2023, 3, 10),
                time(8),
                time(9),
                *common,
                10,
                present_step_3,
                10 - present_step_3,
                present_step_3,
                present_step_3,
                present_step_3,
                0,
            ],
            [4, datetime(2023, 3, 14), time(8), time(9), *common, 4, 4, 0, 4, 4, 4, 0],
        ],
    )
    _sheet(
        workbook,
        "Kết quả",
        [
            ["Bước", "Chức danh", "Họ và tên", "Đồng ý", "Không đồng ý", "Người đứng đầu chọn"],
            [1, "Phó Trưởng phòng", "Lò Văn Pó", 3, 1, None],
            [2, "Phó Trưởng phòng", "Tẩn Thị Mẩy", 12, None, None],
            [2, "Phó Trưởng phòng", "Vàng A Sinh", 8, None, None],
            [2, "Phó Trưởng phòng", "Nguyễn Thu Hà", 5, None, None],
            [3, "Phó Trưởng phòng", "Tẩn Thị Mẩy", 8, None, None],
            [3, "Phó Trưởng phòng", "Vàng A Sinh", 6, None, None],
            [4, "Phó Trưởng phòng", "Tẩn Thị Mẩy", 4, None, None],
            [4, "Phó Trưởng phòng", "Vàng A Sinh", 3, None, None],
        ],
    )
    workbook.save(path)
    return path


def test_a_workbook_from_the_contract_alone_gives_a_correct_dossier(tmp_path: Path) -> None:
    out = tmp_path / "dossier"
    result = build_dossier(contract_workbook(tmp_path / "round.xlsx"), out)
    assert [n for n in result.files if n.endswith(".docx")][:8] == [
        "01-to-trinh.docx",
        "02-bien-ban-kiem-phieu-buoc-1.docx",
        "03-bien-ban-kiem-phieu-buoc-2.docx",
        "04-bien-ban-kiem-phieu-buoc-3.docx",
        "05-bien-ban-kiem-phieu-buoc-4.docx",
        "06-bieu-tong-hop-ra-soat.docx",
        "07-danh-sach-trich-ngang.docx",
        "08-thong-ke-co-cau.docx",
    ]
    record = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    title = record["titles"][0]
    assert title["removed"] == ["Lò Văn Pó"]  # 3 of 4 convened > 50 %
    assert title["proposed"] == ["Tẩn Thị Mẩy"]  # quota 1, top of step 4
    sinh = next(c for c in title["candidates"] if c["name"] == "Vàng A Sinh")
    assert sinh["outcome"] == "not_selected"
    ha = next(c for c in title["candidates"] if c["name"] == "Nguyễn Thu Hà")
    assert ha["steps"] == [
        {
            "step": 2,
            "votes": 5,
            "votes_against": None,
            "head_choice": False,
            "not_proposed_reason": None,
            "base": 18,
            "base_kind": "present",
            "percent": "250/9",
            "percent_text": "27,78",
            "passed": False,
        }
    ]
    submission = docx_text(out / "01-to-trinh.docx")
    assert "Số: 07/TTr-SNV | Lai Châu, ngày 20 tháng 3 năm 2023" in submission
    assert "Kính gửi: Ban cán sự đảng UBND tỉnh." in submission
    assert "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" in submission and "Lù Văn Khoa" in submission
    assert (
        "Tập thể lãnh đạo kính trình Ban cán sự đảng UBND tỉnh xem xét, phê duyệt./." in submission
    )
    assert "- Như trên; / - Lưu: VT." in submission
    minutes = docx_text(out / "03-bien-ban-kiem-phieu-buoc-2.docx")
    assert "Tỷ lệ (%) so với số người có mặt" in minutes
    assert "1 | Nguyễn Thu Hà | Chuyên viên, Văn phòng Sở | 5 | 27,78 | Không đạt" in minutes
    table = docx_text(out / "06-bieu-tong-hop-ra-soat.docx")
    assert "1 | Tẩn Thị Mẩy |  | 02/05/1989 |" in table  # a woman: date in the Nữ column
    assert "Năm 2020 | Năm 2021 | Năm 2022" in table


def test_a_faulty_contract_workbook_gives_precise_errors_and_no_files(tmp_path: Path) -> None:
    out = tmp_path / "dossier"
    path = contract_workbook(tmp_path / "round.xlsx", present_step_3=5)  # 5 of 10: below 2/3
    with pytest.raises(InputError) as caught:
        build_dossier(path, out)
    text = str(caught.value)
    assert text.startswith("3 errors, 0 warnings")
    assert (
        "sheet “Hội nghị”, row 4, column K (Có mặt): error: the conference is not valid: too few of those convened are present; expected at least 2/3 of 10, found 5"
        in text
    )
    assert (
        "sheet “Kết quả”, row 6, column D (Đồng ý): error: more votes than valid ballots; expected at most 5, found 8"
        in text
    )
    assert (
        "sheet “Kết quả”, row 7, column D (Đồng ý): error: more votes than valid ballots; expected at most 5, found 6"
        in text
    )
    assert not out.exists()


# --- a round at its edges (issue 10, "Done when") -------------------------------------------


def edge_workbook(path: Path, *, reason: bool, head_choice: bool) -> Path:
    """A custom-procedure review round from inputs.md alone with every edge of issue 10: a
    preparation conference with attendance, a kept person past the planning age whom the
    removal vote keeps, a person passing for 4 titles (the unit's reason on one when
    ``reason``), which leaves a tie at the last place (settled when ``head_choice``)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "Thông tin chung",
        [
            ["Mục", "Giá trị"],
            ["Khối", "Nhà nước"],
            ["Cơ quan cấp trên", "UBND TỈNH LAI CHÂU"],
            ["Cơ quan ban hành", "SỞ NỘI VỤ"],
            ["Ký hiệu cơ quan", "SNV"],
            ["Địa danh", "Lai Châu"],
            ["Loại đợt", "Rà soát, bổ sung"],
            ["Nhiệm kỳ", "2021-2026"],
            ["Ngày tính tuổi", datetime(2023, 3, 1)],
            ["Quy trình", "Tùy chỉnh"],
            ["Cấp phê duyệt", "Ban cán sự đảng UBND tỉnh"],
            ["Số tờ trình, Ngày tờ trình", "9, 20/03/2023"],
            ["Quyền ký, Chức vụ người ký, Người ký", "KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC, Lù Văn Khoa"],
        ],
    )
    people = [
        ["Hoàng Văn Nam", "Nam", datetime(1988, 4, 12), "Chuyên viên", "Phòng Tổ chức", None],
        ["Lê Thị Hồng", "Nữ", datetime(1987, 9, 3), "Chuyên viên", "Phòng Hành chính", None],
        ["Phan Văn Đạt", "Nam", "1986", "Chuyên viên", "Phòng Hành chính", None],
        ["Trịnh Thị Mai", "Nữ", "05/1990", "Chuyên viên", "Văn phòng Sở", None],
        [
            "Đinh Văn Khải",
            "Nam",
            datetime(1964, 1, 15),
            "Phó Trưởng phòng",
            "Phòng Tổ chức",
            "Trưởng phòng Tổ chức",
        ],
    ]
    _sheet(
        workbook,
        "Cán bộ",
        [
            ["Họ và tên", "Giới tính", "Ngày sinh", "Chức vụ", "Đơn vị", "Chức danh đã quy hoạch"],
            *people,
        ],
    )
    titles = [
        "Trưởng phòng Tổ chức",
        "Trưởng phòng Hành chính",
        "Phó Trưởng phòng Tổ chức",
        "Phó Trưởng phòng Hành chính",
    ]
    _sheet(
        workbook,
        "Chức danh",
        [
            ["Chức danh", "Số lượng", "Nguồn đối tượng 1"],
            *[[t, 1, "Chuyên viên; Phó Trưởng phòng"] for t in titles],
        ],
    )
    _sheet(
        workbook,
        "Quy trình",
        [
            [
                "Bước",
                "Hội nghị",
                "Thành phần",
                "Hình thức",
                "Loại",
                "Ngưỡng (%)",
                "So sánh",
                "Cơ sở",
                "Lấy đủ số lượng",
            ],
            [
                1,
                "Hội nghị tập thể lãnh đạo thông qua kế hoạch",
                "Tập thể lãnh đạo Sở",
                "biểu quyết",
                "chuẩn bị",
                None,
                None,
                None,
                None,
            ],
            [
                2,
                "Hội nghị tập thể lãnh đạo lần 1",
                "Tập thể lãnh đạo Sở",
                "phiếu kín",
                "đưa ra khỏi quy hoạch",
                50,
                ">",
                "triệu tập",
                None,
            ],
            [
                3,
                "Hội nghị cán bộ chủ chốt",
                "Cán bộ chủ chốt của Sở",
                "phiếu kín",
                "giới thiệu",
                30,
                ">=",
                "có mặt",
                None,
            ],
            [
                4,
                "Hội nghị tập thể lãnh đạo lần 2",
                "Tập thể lãnh đạo Sở",
                "phiếu kín",
                "giới thiệu",
                50,
                ">",
                "triệu tập",
                "x",
            ],
        ],
    )
    common = [
        "Phòng họp Sở Nội vụ",
        "Lù Văn Khoa",
        "Trịnh Thị Mai",
        "Giàng Seo Phử",
        "Lò Thị Xuân; Đỗ Văn Tú",
    ]
    _sheet(
        workbook,
        "Hội nghị",
        [
            [
                "Bước",
                "Ngày",
                "Bắt đầu",
                "Kết thúc",
                "Địa điểm",
                "Chủ trì",
                "Thư ký",
                "Tổ trưởng kiểm phiếu",
                "Thành viên tổ kiểm phiếu",
                "Triệu tập",
                "Có mặt",
                "Vắng có lý do",
                "Phiếu phát ra",
                "Phiếu thu vào",
                "Phiếu hợp lệ",
                "Phiếu không hợp lệ",
            ],
            [1, datetime(2023, 3, 2), time(8), time(9), *common, 5, 5, 0, None, None, None, None],
            [2, datetime(2023, 3, 6), time(8), time(9), *common, 5, 5, 0, 5, 5, 5, 0],
            [3, datetime(2023, 3, 8), time(14), time(15, 30), *common, 20, 18, 2, 18, 18, 18, 0],
            [4, datetime(2023, 3, 14), time(8), time(9), *common, 5, 5, 0, 5, 5, 5, 0],
        ],
    )
    rows = [
        [
            "Bước",
            "Chức danh",
            "Họ và tên",
            "Đồng ý",
            "Không đồng ý",
            "Người đứng đầu chọn",
            "Lý do không đề nghị",
        ],
        [2, titles[0], "Đinh Văn Khải", 1, 4, None, None],
    ]
    for t in titles:
        rows.append([3, t, "Hoàng Văn Nam", 15, None, None, None])
    rows += [
        [3, titles[1], "Lê Thị Hồng", 12, None, None, None],
        [3, titles[1], "Phan Văn Đạt", 11, None, None, None],
        [3, titles[0], "Trịnh Thị Mai", 9, None, None, None],
    ]
    for t in titles:
        rows.append(
            [
                4,
                t,
                "Hoàng Văn Nam",
                5,
                None,
                None,
                "đã được giới thiệu quy hoạch đủ 3 chức danh"
                if reason and t == titles[1]
                else None,
            ]
        )
    rows += [
        [4, titles[1], "Lê Thị Hồng", 4, None, "x" if head_choice else None, None],
        [4, titles[1], "Phan Văn Đạt", 4, None, None, None],
        [4, titles[0], "Trịnh Thị Mai", 3, None, None, None],
    ]
    _sheet(workbook, "Kết quả", rows)
    workbook.save(path)
    return path


def test_a_contract_workbook_at_its_edges_behaves_as_issue_10_says(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from docgen.cli import main

    runner = CliRunner()
    four = edge_workbook(tmp_path / "four.xlsx", reason=False, head_choice=False)
    result = runner.invoke(main, ["validate", str(four)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(errors) == 4 and all(
        "sheet “Kết quả”" in line
        and "column G (Lý do không đề nghị)" in line
        and "Hoàng Văn Nam would be planned for 4 titles" in line
        and "write the reason in “Lý do không đề nghị”" in line
        for line in errors
    ), result.output

    tie = edge_workbook(tmp_path / "tie.xlsx", reason=True, head_choice=False)
    result = runner.invoke(main, ["validate", str(tie)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "0 errors, 2 warnings"
    assert (
        "Đinh Văn Khải leaves the planning for Trưởng phòng Tổ chức: quá tuổi quy hoạch: còn "
        in (result.output)
    )
    assert "waiting for the head's choice (tie for Trưởng phòng Hành chính)" in result.output
    status = runner.invoke(main, ["status", str(tie)])
    assert status.exit_code == 0, status.output
    assert "step 1: Hội nghị tập thể lãnh đạo thông qua kế hoạch: done" in status.output
    assert "column F (Người đứng đầu chọn), rows 14 and 15" in status.output
    minutes = runner.invoke(
        main, ["minutes", str(tie), "--step", "4", "--out", str(tmp_path / "m")]
    )
    assert minutes.exit_code == 0, minutes.output
    assert (tmp_path / "m" / "bien-ban-kiem-phieu-buoc-4.docx").is_file()
    waiting = runner.invoke(main, ["dossier", str(tie), "--out", str(tmp_path / "d1")])
    assert waiting.exit_code == 1 and not (tmp_path / "d1").exists()
    assert "row 14, column F (Người đứng đầu chọn): error: the dossier waits for the head's" in (
        waiting.output
    )

    decided = edge_workbook(tmp_path / "decided.xlsx", reason=True, head_choice=True)
    out = tmp_path / "d2"
    result = runner.invoke(main, ["dossier", str(decided), "--out", str(out)])
    assert result.exit_code == 0, result.output
    submission = docx_text(out / "01-to-trinh.docx")
    assert "Bước 1: Hội nghị tập thể lãnh đạo thông qua kế hoạch, ngày 02/03/2023" in submission
    assert "Tổng số người được triệu tập: 5 (năm) người. Số người có mặt: 5 (năm) người." in (
        submission
    )
    assert (
        "thuộc trường hợp đưa ra khỏi quy hoạch (quá tuổi quy hoạch: còn 25 tháng, cần 72 tháng)"
        in submission
    )
    assert "Đề nghị bổ sung quy hoạch đồng chí Lê Thị Hồng (4/5 phiếu, 80,00%)" in submission
    assert "do đã được giới thiệu quy hoạch đủ 3 chức danh" in submission
    assert "phê duyệt bổ sung quy hoạch 04 (bốn) lượt đồng chí (02 (hai) đồng chí)" in submission
    table = docx_text(next(out.glob("*-bieu-tong-hop-ra-soat.docx")))
    assert "Đưa ra khỏi quy hoạch (quá tuổi quy hoạch: còn 25 tháng, cần 72 tháng)" in table
    assert "Tiếp tục quy hoạch" not in table
    assert "Không đề nghị (đã được giới thiệu quy hoạch đủ 3 chức danh)" in table
    record = json.loads((out / "decisions.json").read_text(encoding="utf-8"))
    assert record["complete"] is True
