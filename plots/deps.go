package plots

import (
	_ "gonum.org/v1/plot"
)
