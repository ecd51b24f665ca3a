from . import fb_assign_collector_wizard
from . import fb_credit_hold_wizard
from . import fb_dunning_run_wizard
from . import fb_report_wizard
