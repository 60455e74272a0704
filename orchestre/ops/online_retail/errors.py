"""The one error the online-retail import raises for bad input."""

from orchestre.core.errors import InvalidInput


class ImportFileError(InvalidInput):
    """The file cannot be imported as it is; the message names the line and the problem,
    e.g. ``line 1234: quantity 'abc' is not an integer``. Nothing was written."""

    code = "import_file_invalid"

    def __init__(self, message: str, *, line_number: int | None = None):
        super().__init__(f"line {line_number}: {message}" if line_number else message)
        self.line_number = line_number
