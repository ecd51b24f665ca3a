from . import portal
from . import report_xlsx
