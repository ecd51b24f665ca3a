from . import fb_dunning_run_wizard
