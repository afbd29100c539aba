"""Import and export of the unit tree as CSV or Excel (.xlsx): all or nothing, every error listed by row.

File layout: one header row, then one row per unit. A unit that held several agency codes over time takes
one row per code; its other columns repeat unchanged. Columns (Vietnamese header, or the English id):

    mã đơn vị | mã đơn vị cấp trên | tên | tên viết tắt | cấp | loại | mã định danh |
    mã định danh có hiệu lực từ | mã định danh có hiệu lực đến | được thay thế bởi | đang hoạt động

Keys are the units' `external_key`; a parent or successor key may name a unit already in the database.
Levels and kinds are accepted as codes (`commune`) or Vietnamese labels (`Cấp xã`, `xã`). Import only
creates units: a key that already exists is an error.
"""

from motcua.organizations.transfer.export import export_rows, units_export
from motcua.organizations.transfer.layout import COLUMNS, ImportFailed, ImportReport, RowError
from motcua.organizations.transfer.reading import read_table
from motcua.organizations.transfer.writing import units_import

__all__ = [
    "COLUMNS",
    "ImportFailed",
    "ImportReport",
    "RowError",
    "export_rows",
    "read_table",
    "units_export",
    "units_import",
]
