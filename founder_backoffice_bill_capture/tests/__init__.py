from . import test_bill_capture
