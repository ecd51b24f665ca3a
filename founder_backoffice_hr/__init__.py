from . import models
print("x")
