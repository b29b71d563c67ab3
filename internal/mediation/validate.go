package mediation

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

var validate = newValidator()

// mobilePattern matches a mainland China mobile number after normalization.
var mobilePattern = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

var usernamePattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// enum is implemented by every enumeration of the domain.
type enum interface{ Valid() bool }

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(v.RegisterValidation("enum", func(fl validator.FieldLevel) bool {
		e, ok := fl.Field().Interface().(enum)
		return ok && e.Valid()
	}))
	must(v.RegisterValidation("mobile", func(fl validator.FieldLevel) bool {
		return mobilePattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("username", func(fl validator.FieldLevel) bool {
		return usernamePattern.MatchString(fl.Field().String())
	}))
	must(v.RegisterValidation("notblank", func(fl validator.FieldLevel) bool {
		return strings.TrimSpace(fl.Field().String()) != ""
	}))
	// text is printable text that may run over several lines; line is one line.
	must(v.RegisterValidation("text", func(fl validator.FieldLevel) bool {
		return printable(fl.Field().String(), true)
	}))
	must(v.RegisterValidation("line", func(fl validator.FieldLevel) bool {
		return printable(fl.Field().String(), false)
	}))
	return v
}

// printable reports whether s is valid UTF-8 without control characters,
// except line breaks and tabs when multiline. Bidirectional overrides and
// isolates are refused too: they can make a name or a term display as
// something other than what is stored.
func printable(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError || r == '\u2028' || r == '\u2029' ||
			('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069') || r == '\ufeff' {
			return false
		}
	}
	return true
}

// Validate checks a struct's validate tags. It returns an EINVALID Error naming
// every failing field, or nil.
func Validate(s any) error {
	err := validate.Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return err
	}
	e := &Error{Code: EINVALID, Message: "error.invalid", Fields: map[string]FieldError{}}
	for _, fe := range verrs {
		if _, seen := e.Fields[fe.Field()]; seen {
			continue
		}
		e.Fields[fe.Field()] = fieldError(fe)
	}
	return e
}

func fieldError(fe validator.FieldError) FieldError {
	switch fe.Tag() {
	case "required", "notblank":
		return FieldError{Key: "validation.required"}
	case "max":
		return FieldError{Key: "validation.max", Param: fe.Param()}
	case "min":
		return FieldError{Key: "validation.min", Param: fe.Param()}
	case "enum":
		return FieldError{Key: "validation.enum"}
	case "mobile":
		return FieldError{Key: "validation.mobile"}
	case "username":
		return FieldError{Key: "validation.username"}
	case "text":
		return FieldError{Key: "validation.text"}
	case "line":
		return FieldError{Key: "validation.line"}
	}
	return FieldError{Key: "validation.invalid"}
}

// trim removes surrounding white space from each string, so that a field of
// spaces counts as empty.
func trim(ss ...*string) {
	for _, s := range ss {
		*s = strings.TrimSpace(*s)
	}
}

func trimPtr(ss ...*string) {
	for _, s := range ss {
		if s != nil {
			*s = strings.TrimSpace(*s)
		}
	}
}

// normalizePhone drops the separators and country code people type, so that
// "+86 138-0013-8000" and "13800138000" are the same number.
func normalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, s)
	for _, prefix := range []string{"+86", "0086"} {
		if strings.HasPrefix(s, prefix) && len(s) == len(prefix)+11 {
			return s[len(prefix):]
		}
	}
	return s
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return slices.Contains(Categories, c) }

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return slices.Contains(Sources, s) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Valid reports whether k is a known party kind.
func (k PartyKind) Valid() bool { return slices.Contains(PartyKinds, k) }

// Valid reports whether s is a known side.
func (s Side) Valid() bool { return slices.Contains(Sides, s) }

// Valid reports whether k is a known submission kind.
func (k SubmissionKind) Valid() bool { return slices.Contains(SubmissionKinds, k) }
