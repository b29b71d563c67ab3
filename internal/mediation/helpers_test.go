package mediation_test

import "fmt"

func fmtErrorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
