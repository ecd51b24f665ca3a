from . import test_collections
from . import test_dunning
from . import test_i18n
from . import test_install
from . import test_kpi
from . import test_reports
from . import test_security
from . import test_validation
