"""Building CSV files for the import tests: rows from contract payloads, and the ways real files differ."""
import csv
import io

from signals.csv_columns import COLUMNS


def flatten(payload: dict) -> dict[str, str]:
    """A contract `<Signaal>` → the cells of one CSV row (the inverse of the import's mapping)."""
    cells: dict[str, str] = {}
    for key, value in payload.items():
        if isinstance(value, dict):
            for field, inner in value.items():
                cells[f"{key}.{field}"] = _cell(inner)
        else:
            cells[key] = _cell(value)
    return cells


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return "|".join(value)
    return str(value)


def make_text(rows: list[dict], *, delimiter=";", columns=COLUMNS, header=None, newline="\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header if header is not None else columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue()


def make_csv(rows: list[dict], *, delimiter=";", encoding="utf-8", bom=False, columns=COLUMNS) -> bytes:
    data = make_text(rows, delimiter=delimiter, columns=columns).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


BOMS = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00"}


def encode(text: str, encoding: str, *, bom: bool = False) -> bytes:
    """``text`` in ``encoding``; lone surrogates are written as such (as a broken exporter would)."""
    data = text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "strict")
    return BOMS[encoding] + data if bom else data
