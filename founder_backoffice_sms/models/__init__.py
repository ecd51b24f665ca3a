from . import fb_dunning_level
from . import fb_dunning_reminder
