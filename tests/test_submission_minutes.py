"""The submission accounts for every passer of the deciding step and states each title's quota;
each step of the procedure says what it did; the minutes of the deciding step say who fell outside
the quota and the head's choice in a tie; minutes sign per issuer kind, the chair with a position
(domain.md §2, format.md "Signature block", issue 8 parts 2 and 3)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from docgen.compose.common import person_position, signing_position
from docgen.compose.minutes import minutes_context
from docgen.compose.steps import Standing, deciding_passers, deciding_step
from docgen.compose.submission import submission_context
from docgen.decide import RoundDecision, decide
from docgen.dossier import build_dossier
from docgen.models import RoundInput

from .conftest import PARTY_EXAMPLE, STATE_EXAMPLE
from .test_dossier import docx_text


def _round(data: dict[str, Any]) -> tuple[RoundInput, RoundDecision]:
    model = RoundInput.model_validate(copy.deepcopy(data))
    return model, decide(model)


def _data(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _submission(data: dict[str, Any]) -> dict[str, Any]:
    model, decision = _round(data)
    return submission_context(model, decision, ["Biên bản kiểm phiếu"])


def _step_lines(context: dict[str, Any], number: int) -> list[str]:
    step = next(s for s in context["steps"] if s["heading"].startswith(f"Bước {number}:"))
    return step["lines"]


def _account(context: dict[str, Any], title: str) -> str:
    return next(line for line in context["accounts"] if line.startswith(f"- Chức danh {title}:"))


def _party_with_quota_and_tie() -> dict[str, Any]:
    """The Party example where Bí thư takes 1 (Lò Văn Dũng, 4/5, falls outside the quota) and
    Ủy viên Ban Thường vụ takes 2 (Quàng Văn Đoàn and Đặng Thị Thùy tie at 4/5 for the last
    place; the head chooses Đặng Thị Thùy)."""
    data = _data(PARTY_EXAMPLE)
    data["titles"][0]["quota"] = 1
    data["titles"][2]["quota"] = 2
    for row in data["results"]:
        if row["step"] == 5 and row["person"] == "Đặng Thị Thùy":
            row["head_choice"] = "x"
    return data


# --- submission: every passer, each quota ---------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [_data(STATE_EXAMPLE), _data(PARTY_EXAMPLE), _party_with_quota_and_tie()],
    ids=["state", "party", "party-quota-tie"],
)
def test_every_passer_of_the_deciding_step_is_named_with_what_became_of_them(
    data: dict[str, Any],
) -> None:
    model, decision = _round(data)
    context = submission_context(model, decision, [])
    step = deciding_step(decision)
    assert step is not None
    for title in decision.titles:
        line = _account(context, title.title.name)
        passers = deciding_passers(title, step)
        assert passers, title.title.name
        for passer in passers:
            assert f"{passer.name} ({passer.votes_text()})" in line
            if passer.standing == Standing.IN_QUOTA:
                assert passer.candidate in title.proposed
            else:
                assert f"đồng chí {passer.name} ({passer.votes_text()}) do " in line
        # no one who did not pass the deciding step is named there
        for candidate in title.candidates:
            outcome = candidate.at(step.number)
            if outcome is None or not outcome.passed:
                assert candidate.cadre.full_name not in line


def test_state_submission_says_why_each_passer_is_not_proposed() -> None:
    context = _submission(_data(STATE_EXAMPLE))
    head = _account(context, "Trưởng phòng")
    assert "Đề nghị bổ sung quy hoạch đồng chí Cầm Thị Hoa (4/5 phiếu, 80,00%)." in head
    assert (
        "đồng chí Nguyễn Văn Bình (4/5 phiếu, 80,00%) do không đủ điều kiện quy hoạch "
        "(không đủ tuổi công tác: còn 36 tháng, cần 72 tháng)"
    ) in head
    assert "đồng chí Bạc Thị Ly (3/5 phiếu, 60,00%) do nằm ngoài số lượng." in head
    deputy = _account(context, "Phó Trưởng phòng")
    assert (
        "đồng chí Phạm Văn Ân (3/5 phiếu, 60,00%) do có số phiếu bằng đồng chí Trần Thị Mai ở vị "
        "trí cuối cùng, người đứng đầu đã xem xét, quyết định lựa chọn đồng chí Trần Thị Mai."
    ) in deputy


def test_party_submission_names_the_one_outside_the_quota_and_the_heads_choice() -> None:
    context = _submission(_party_with_quota_and_tie())
    secretary = _account(context, "Bí thư Đảng ủy")
    assert secretary.startswith("- Chức danh Bí thư Đảng ủy: quy hoạch 01 (một) đồng chí;")
    assert "Đề nghị quy hoạch đồng chí Lê Thị Hồng Nhung (5/5 phiếu, 100,00%)." in secretary
    assert "đồng chí Lò Văn Dũng (4/5 phiếu, 80,00%) do nằm ngoài số lượng." in secretary
    standing = _account(context, "Ủy viên Ban Thường vụ")
    assert "các đồng chí Hoàng Thị Én (5/5 phiếu, 100,00%), Đặng Thị Thùy (4/5" in standing
    assert "quyết định lựa chọn đồng chí Đặng Thị Thùy." in standing
    assert "đồng chí Quàng Văn Đoàn (4/5 phiếu, 80,00%) do có số phiếu bằng" in standing
    assert "phê duyệt quy hoạch 05 (năm) đồng chí" in context["proposed_intro"]


@pytest.mark.parametrize(
    ("path", "quotas"),
    [
        (
            STATE_EXAMPLE,
            {"Trưởng phòng": "bổ sung 01 (một)", "Phó Trưởng phòng": "bổ sung 02 (hai)"},
        ),
        (
            PARTY_EXAMPLE,
            {
                "Bí thư Đảng ủy": "quy hoạch 02 (hai)",
                "Phó Bí thư Đảng ủy": "quy hoạch 03 (ba)",
                "Ủy viên Ban Thường vụ": "quy hoạch 03 (ba)",
            },
        ),
    ],
    ids=["state", "party"],
)
def test_each_titles_quota_is_stated(path: Path, quotas: dict[str, str]) -> None:
    context = _submission(_data(path))
    assert len(context["accounts"]) == len(quotas)
    for title, quota in quotas.items():
        assert _account(context, title).startswith(f"- Chức danh {title}: {quota} đồng chí;")


def test_a_title_nobody_passed_still_states_its_quota() -> None:
    data = _data(STATE_EXAMPLE)
    for row in data["results"]:
        if row["step"] == 4 and row["title"] == "Phó Trưởng phòng":
            row["votes_for"] = 2
            row.pop("head_choice", None)
    line = _account(_submission(data), "Phó Trưởng phòng")
    assert line == (
        "- Chức danh Phó Trưởng phòng: bổ sung 02 (hai) đồng chí; không có đồng chí nào đạt tỷ "
        "lệ phiếu đồng ý trên 50% so với tổng số người được triệu tập nên không đề nghị bổ sung "
        "quy hoạch chức danh này."
    )


# --- submission: each step says what it did -------------------------------------------------------


def test_every_step_has_its_lines() -> None:
    for path in (STATE_EXAMPLE, PARTY_EXAMPLE):
        context = _submission(_data(path))
        for step in context["steps"]:
            assert step["lines"], step["heading"]


def test_preparation_steps_say_what_was_prepared_and_adopted() -> None:
    context = _submission(_data(PARTY_EXAMPLE))
    first = _step_lines(context, 1)
    assert first[0] == "Thực hiện: Văn phòng Đảng ủy tham mưu."
    assert first[1].startswith(
        "Đã xây dựng Kế hoạch triển khai công tác quy hoạch cán bộ; rà soát, đánh giá nguồn cán "
        "bộ và dự kiến danh sách nguồn nhân sự"
    )
    second = _step_lines(context, 2)
    assert second[0] == "Thành phần: Ban Thường vụ Đảng ủy."
    assert second[1].startswith(
        "Hội nghị do đồng chí Phạm Quốc Hưng chủ trì đã thảo luận, thông qua Kế hoạch triển khai "
        "công tác quy hoạch cán bộ và danh sách nguồn nhân sự"
    )
    assert not any("phiếu" in line for line in first + second)


def test_a_preparation_conference_reports_its_attendance() -> None:
    data = _data(PARTY_EXAMPLE)
    step_2 = next(c for c in data["conferences"] if c["step"] == 2)
    step_2.update(convened=5, present=4, absent_with_reason=1)
    lines = _step_lines(_submission(data), 2)
    assert lines[1] == (
        "Tổng số người được triệu tập: 5 (năm) người. Số người có mặt: 4 (bốn) người. Số người "
        "vắng mặt: 1 (một) người (có lý do: 1 (một) người; không có lý do: 0 (không) người)."
    )
    assert lines[2].startswith(
        "Hội nghị do đồng chí Phạm Quốc Hưng chủ trì đã thảo luận, thông qua"
    )


def test_the_plan_adopted_is_cited_when_numbered() -> None:
    data = _data(PARTY_EXAMPLE)
    data["plan"] = {"number": "7", "date": "25/02/2022"}
    lines = _step_lines(_submission(data), 2)
    assert (
        "Kế hoạch triển khai công tác quy hoạch cán bộ (Kế hoạch số 07-KH/ĐU ngày 25/02/2022)"
        in (lines[1])
    )


def test_voting_steps_give_attendance_ballots_and_outcome() -> None:
    context = _submission(_data(STATE_EXAMPLE))
    removal = _step_lines(context, 1)
    assert removal[0] == "Thành phần: Tập thể lãnh đạo."
    assert removal[1].startswith("Tổng số người được triệu tập: 5 (năm) người.")
    assert removal[2].startswith("Số phiếu phát ra: 5 (năm) phiếu.")
    assert "thông qua danh sách nguồn nhân sự bổ sung quy hoạch" in removal[3]
    assert removal[4].endswith("đồng ý đưa ra khỏi quy hoạch: Đỗ Minh Đức (4/5 phiếu, 80,00%).")
    assert removal[5] == (
        "Chức danh Phó Trưởng phòng: bỏ phiếu đối với 01 đồng chí; không có đồng chí nào có trên "
        "50% so với tổng số người được triệu tập đồng ý đưa ra khỏi quy hoạch."
    )
    discovery = _step_lines(context, 2)
    assert any(line.startswith("Số phiếu phát ra: 30 (ba mươi) phiếu.") for line in discovery)
    assert "để đưa vào danh sách giới thiệu ở bước sau: " in discovery[-1]


def test_a_removal_step_that_removed_no_one_says_so() -> None:
    data = _data(STATE_EXAMPLE)
    for row in data["results"]:
        if row["step"] == 1 and row["person"] == "Đỗ Minh Đức":
            row.update(votes_for=2, votes_against=3)
    data["titles"][0]["quota"] = 1
    lines = _step_lines(_submission(data), 1)
    assert lines[-1] == "Không có đồng chí nào bị đưa ra khỏi quy hoạch."


# --- minutes --------------------------------------------------------------------------------------


def _minutes(data: dict[str, Any], step: int) -> dict[str, Any]:
    model, decision = _round(data)
    found = decision.step(step)
    assert found is not None
    return minutes_context(model, decision, found)


def test_deciding_minutes_say_who_is_outside_the_quota_and_the_heads_choice() -> None:
    context = _minutes(_data(STATE_EXAMPLE), 4)
    assert context["quota_heading"].startswith("5. Kết quả lấy từ trên xuống cho đủ số lượng")
    head, deputy = context["quota_lines"]
    assert head == (
        "- Chức danh Trưởng phòng (số lượng 01 đồng chí): trong số lượng: đồng chí Cầm Thị Hoa "
        "(4/5 phiếu); ngoài số lượng: đồng chí Bạc Thị Ly (3/5 phiếu); đồng chí Nguyễn Văn Bình "
        "(4/5 phiếu) không đủ điều kiện quy hoạch (không đủ tuổi công tác: còn 36 tháng, cần 72 "
        "tháng)."
    )
    assert deputy == (
        "- Chức danh Phó Trưởng phòng (số lượng 02 đồng chí): trong số lượng: các đồng chí Quàng "
        "Văn Hùng (5/5 phiếu), Trần Thị Mai (3/5 phiếu); ngoài số lượng: đồng chí Phạm Văn Ân "
        "(3/5 phiếu). Các đồng chí Trần Thị Mai, Phạm Văn Ân có số phiếu bằng nhau (3/5 phiếu) "
        "cho 01 vị trí cuối cùng; người đứng đầu đã xem xét, quyết định lựa chọn đồng chí Trần "
        "Thị Mai."
    )


def test_party_deciding_minutes_with_quota_and_tie() -> None:
    lines = _minutes(_party_with_quota_and_tie(), 5)["quota_lines"]
    assert lines[0] == (
        "- Chức danh Bí thư Đảng ủy (số lượng 01 đồng chí): trong số lượng: đồng chí Lê Thị Hồng "
        "Nhung (5/5 phiếu); ngoài số lượng: đồng chí Lò Văn Dũng (4/5 phiếu)."
    )
    assert "không có đồng chí nào ngoài số lượng" in lines[1]
    assert lines[2].endswith(
        "ngoài số lượng: đồng chí Quàng Văn Đoàn (4/5 phiếu). Các đồng chí Đặng Thị Thùy, Quàng "
        "Văn Đoàn có số phiếu bằng nhau (4/5 phiếu) cho 01 vị trí cuối cùng; người đứng đầu đã "
        "xem xét, quyết định lựa chọn đồng chí Đặng Thị Thùy."
    )


def test_minutes_of_an_open_tie_record_the_count_not_a_choice() -> None:
    data = _data(STATE_EXAMPLE)
    for row in data["results"]:
        row.pop("head_choice", None)
    deputy = _minutes(data, 4)["quota_lines"][1]
    assert deputy == (
        "- Chức danh Phó Trưởng phòng (số lượng 02 đồng chí): trong số lượng: đồng chí Quàng Văn "
        "Hùng (5/5 phiếu). Các đồng chí Phạm Văn Ân, Trần Thị Mai có số phiếu bằng nhau (3/5 "
        "phiếu) cho 01 vị trí cuối cùng; giao cho người đứng đầu xem xét, quyết định lựa chọn "
        "nhân sự."
    )


def test_minutes_of_other_steps_have_no_quota_part() -> None:
    for step in (1, 2, 3):
        context = _minutes(_data(STATE_EXAMPLE), step)
        assert context["quota_lines"] == []
        assert context["quota_heading"] == ""


@pytest.mark.parametrize(
    ("path", "authority", "chair_position"),
    [
        (STATE_EXAMPLE, "TM. TỔ KIỂM PHIẾU", "CHÁNH VĂN PHÒNG"),
        (PARTY_EXAMPLE, "T/M TỔ KIỂM PHIẾU", "BÍ THƯ"),
    ],
    ids=["state", "party"],
)
def test_minutes_signatures_per_issuer_kind(
    path: Path, authority: str, chair_position: str, tmp_path: Path
) -> None:
    result = build_dossier(path, tmp_path / "d", formats=("docx", "pdf"))
    minutes = [name for name in result.files if "bien-ban" in name and name.endswith(".docx")]
    assert minutes
    for name in minutes:
        last = docx_text(tmp_path / "d" / name).rstrip("\n").splitlines()[-1]
        left, right = (cell.split(" / ") for cell in last.split(" | "))
        assert left[:2] == [authority, "TỔ TRƯỞNG"]
        assert right[:2] == ["CHỦ TRÌ HỘI NGHỊ", chair_position]
        assert left[-1] and right[-1]  # the names
        pdf = (tmp_path / "d" / name.replace(".docx", ".pdf")).read_bytes()
        assert pdf  # the text parity of the PDF is tests/test_pdf.py's
    other = "T/M" if authority.startswith("TM.") else "TM."
    for name in minutes:
        assert f"{other} TỔ KIỂM PHIẾU" not in docx_text(tmp_path / "d" / name)


def test_the_chair_signs_with_the_position_held() -> None:
    data = _data(PARTY_EXAMPLE)
    for conference in data["conferences"]:
        if conference["step"] == 5:
            conference["chair"] = "Lò Văn Dũng"  # Phó Bí thư Đảng ủy, Chủ tịch UBND phường
        if conference["step"] == 4:
            conference["chair"] = "Nguyễn Văn Khách"  # not a known cadre, signs nothing else
    assert _minutes(data, 5)["chair_position"] == "PHÓ BÍ THƯ"
    assert _minutes(data, 4)["chair_position"] == ""
    assert _minutes(data, 3)["chair_position"] == "BÍ THƯ"


@pytest.mark.parametrize(
    ("position", "line"),
    [
        ("Bí thư Đảng ủy phường", "BÍ THƯ"),
        ("Phó Bí thư Thường trực Đảng ủy phường", "PHÓ BÍ THƯ THƯỜNG TRỰC"),
        ("Phó Bí thư Đảng ủy, Chủ tịch UBND phường", "PHÓ BÍ THƯ"),
        (
            "Ủy viên Ban Thường vụ, Chủ nhiệm Ủy ban Kiểm tra Đảng ủy phường",
            "ỦY VIÊN BAN THƯỜNG VỤ",
        ),
        ("Chủ nhiệm Ủy ban Kiểm tra Đảng ủy phường", "CHỦ NHIỆM ỦY BAN KIỂM TRA"),
        ("Bí thư Thành ủy", "BÍ THƯ"),
        ("Chánh Văn phòng UBND tỉnh", "CHÁNH VĂN PHÒNG"),
        ("Chủ tịch Ủy ban nhân dân phường", "CHỦ TỊCH"),
        ("CHÁNH VĂN PHÒNG", "CHÁNH VĂN PHÒNG"),
        ("BÍ THƯ", "BÍ THƯ"),
    ],
)
def test_position_lines_do_not_repeat_the_body(position: str, line: str) -> None:
    assert signing_position(position) == line


def test_person_position_falls_back_to_the_rounds_signature_blocks() -> None:
    model, _ = _round(_data(STATE_EXAMPLE))
    assert person_position(model, "Nguyễn Quang Huy") == "CHÁNH VĂN PHÒNG"  # the plan's signer
    assert person_position(model, "Hoàng Minh Tuấn") == "PHÓ CHÁNH VĂN PHÒNG"  # the submission's
    assert person_position(model, "Đinh Thị Thu") == "TRƯỞNG PHÒNG HÀNH CHÍNH - TỔ CHỨC"
    assert person_position(model, None) == ""
