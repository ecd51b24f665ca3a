from . import portal
from . import payment
from . import report_xlsx
