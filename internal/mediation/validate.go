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

// phonePattern matches any phone number after normalization: a mobile; a
// landline with its area code (010, 0755), a number of 7 or 8 digits and an
// optional extension; or a 400/800 service number.
var phonePattern = regexp.MustCompile(`^(1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-[1-9][0-9]{6,7}(-[0-9]{1,6})?|[48]00-[0-9]{3}-[0-9]{4})$`)

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
	must(v.RegisterValidation("phone", func(fl validator.FieldLevel) bool {
		return phonePattern.MatchString(fl.Field().String())
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
	case "phone":
		return FieldError{Key: "validation.phone"}
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

// normalizePhone writes a phone number the one way it is stored, whatever
// separators and country code people type: a mobile as its 11 digits
// ("+86 138-0013-8000" is 13800138000); a landline as area code, number and
// extension joined by hyphens ("(0755) 1234567 转801" is 0755-1234567-801);
// a 400 or 800 service number as 400-123-4567. Anything else is returned
// without separators, for validation to refuse.
func normalizePhone(s string) string {
	d := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '(' || r == ')' || r == '\uff08' || r == '\uff09' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
	for _, prefix := range []string{"+86", "0086"} {
		if strings.HasPrefix(d, prefix) && len(d) == len(prefix)+11 && d[len(prefix)] == '1' {
			return d[len(prefix):]
		}
	}
	if mobilePattern.MatchString(d) || d == "" {
		return d
	}
	if len(d) == 10 && (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")) && allDigits(d) {
		return d[:3] + "-" + d[3:6] + "-" + d[6:]
	}
	// A landline: groups of digits, the extension after 转, ext, x or #.
	ext := ""
	main := s
	for _, sep := range []string{"转", "分机", "ext.", "ext", "EXT", "x", "X", "#"} {
		if before, after, ok := strings.Cut(main, sep); ok {
			main, ext = before, strings.TrimSpace(after)
			break
		}
	}
	groups := strings.FieldsFunc(main, func(r rune) bool { return r < '0' || r > '9' })
	if strings.ContainsFunc(main, func(r rune) bool {
		return (r < '0' || r > '9') && !strings.ContainsRune(" -()\uff08\uff09\u3000", r)
	}) {
		return d
	}
	var area, number string
	switch {
	case len(groups) == 1 && strings.HasPrefix(groups[0], "0"):
		g := groups[0]
		n := 4
		if strings.HasPrefix(g, "01") || strings.HasPrefix(g, "02") {
			n = 3
		}
		if len(g) <= n {
			return d
		}
		area, number = g[:n], g[n:]
	case len(groups) == 2 && strings.HasPrefix(groups[0], "0"):
		area, number = groups[0], groups[1]
	case len(groups) == 3 && strings.HasPrefix(groups[0], "0") && ext == "" &&
		len(groups[1]) <= 4 && len(groups[1])+len(groups[2]) <= 8:
		// 010-6512-3456: the number written in two halves.
		area, number = groups[0], groups[1]+groups[2]
	case len(groups) == 3 && strings.HasPrefix(groups[0], "0") && ext == "":
		area, number, ext = groups[0], groups[1], groups[2]
	default:
		return d
	}
	out := area + "-" + number
	if ext != "" {
		out += "-" + strings.TrimLeft(ext, "-")
	}
	return out
}

func allDigits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
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
