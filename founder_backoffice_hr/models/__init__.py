from . import fb_kpi
from . import fb_kpi_snapshot
