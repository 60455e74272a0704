from pathlib import Path

from orchestre.team.permissions import ACTION_CODES, MATRIX
from orchestre.team.roles import STAFF_ROLE_CODES

DOC = Path(__file__).resolve().parents[3] / "docs" / "team.md"


def test_the_documented_matrix_is_the_matrix():
    lines = [line for line in DOC.read_text().splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header[1:] == list(STAFF_ROLE_CODES)
    documented = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        action = cells[0].split("`")[1]
        documented[action] = {
            role for role, cell in zip(header[1:], cells[1:], strict=True) if cell == "✔"
        }
    assert list(documented) == list(ACTION_CODES)
    for action in ACTION_CODES:
        assert documented[action] == {role for role in MATRIX if action in MATRIX[role]}, action
