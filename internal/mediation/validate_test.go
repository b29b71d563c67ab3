package mediation_test

import (
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

func asError(t *testing.T, err error) *mediation.Error {
	t.Helper()
	var e *mediation.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want a *mediation.Error", err, err)
	}
	return e
}

// wantField fails unless err is an EINVALID error whose only field is the
// given JSON field with the given catalogue key.
func wantField(t *testing.T, err error, field, key string) mediation.FieldError {
	t.Helper()
	return wantFields(t, err, map[string]string{field: key})[field]
}

// control stands for the key of a field refused for a control character: the
// one of the multi-line or of the single-line printable check.
const control = "(control)"

// wantFields fails unless err is an EINVALID error naming exactly the given
// JSON fields, each with the given catalogue key ("" accepts any key).
func wantFields(t *testing.T, err error, want map[string]string) map[string]mediation.FieldError {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want invalid fields %v", want)
	}
	e := asError(t, err)
	if e.Code != mediation.EINVALID {
		t.Errorf("code = %q, want %q", e.Code, mediation.EINVALID)
	}
	got := slices.Sorted(maps.Keys(e.Fields))
	if names := slices.Sorted(maps.Keys(want)); !slices.Equal(got, names) {
		t.Fatalf("fields = %v, want %v", e.Fields, want)
	}
	for field, key := range want {
		got := e.Fields[field].Key
		switch key {
		case "":
		case control:
			if got != "validation.text" && got != "validation.line" {
				t.Errorf("field %s: key %q, want validation.text or validation.line", field, got)
			}
		default:
			if got != key {
				t.Errorf("field %s: key %q, want %q", field, got, key)
			}
		}
	}
	return e.Fields
}

func runes(s string, n int) string { return strings.Repeat(s, n) }

func validCaseInput() mediation.CaseInput {
	return mediation.CaseInput{Title: "楼上卫生间漏水", Category: mediation.CategoryLeakRenovation,
		Community: "heping-li", Summary: "楼上卫生间漏水，楼下天花板发霉。\n已持续两个月。",
		Source: mediation.SourcePartyApplication}
}

func TestNewCase(t *testing.T) {
	places := mediation.DefaultPlaces()
	for _, tc := range []struct {
		name   string
		edit   func(*mediation.CaseInput)
		fields map[string]string // nil: valid
		param  string            // of the one failing field
		check  func(*testing.T, *mediation.Case)
	}{
		{name: "Valid", edit: func(*mediation.CaseInput) {}, check: func(t *testing.T, c *mediation.Case) {
			want := &mediation.Case{Title: "楼上卫生间漏水", Category: mediation.CategoryLeakRenovation,
				Community: "heping-li", Street: "和平街道", Summary: "楼上卫生间漏水，楼下天花板发霉。\n已持续两个月。",
				Source: mediation.SourcePartyApplication, Status: mediation.StatusIntake,
				Mediators: []mediation.ID{7}, CreatedBy: 7, OpenedAt: opened, UpdatedAt: opened}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("NewCase =\n\t%+v\nwant\n\t%+v", c, want)
			}
		}},
		{name: "StreetFilledFromCommunity", edit: func(in *mediation.CaseInput) { in.Community = "qingnian-lu" },
			check: func(t *testing.T, c *mediation.Case) {
				if c.Street != "青年路街道" {
					t.Errorf("street = %q, want 青年路街道", c.Street)
				}
			}},
		{name: "StreetMatchingCommunity", edit: func(in *mediation.CaseInput) {
			in.Community, in.Street = "chaoyang-yuan", " 青年路街道 "
		}, check: func(t *testing.T, c *mediation.Case) {
			if c.Community != "chaoyang-yuan" || c.Street != "青年路街道" {
				t.Errorf("place = %q, %q", c.Community, c.Street)
			}
		}},
		{name: "Trimmed", edit: func(in *mediation.CaseInput) {
			in.Title, in.Community, in.Summary = " \t楼上漏水\u3000\n", "  heping-li ", "\n 漏水 \n"
		}, check: func(t *testing.T, c *mediation.Case) {
			if c.Title != "楼上漏水" || c.Community != "heping-li" || c.Summary != "漏水" {
				t.Errorf("not trimmed: %q, %q, %q", c.Title, c.Community, c.Summary)
			}
		}},
		{name: "TitleOfMaxRunes", edit: func(in *mediation.CaseInput) { in.Title = runes("漏", 100) }},
		{name: "SummaryOfMaxRunes", edit: func(in *mediation.CaseInput) { in.Summary = runes("漏", 4000) }},
		{name: "SummaryEmpty", edit: func(in *mediation.CaseInput) { in.Summary = "" }},
		{name: "EveryCategoryAndSource", edit: func(*mediation.CaseInput) {}, check: func(t *testing.T, _ *mediation.Case) {
			for _, cat := range mediation.Categories {
				for _, src := range mediation.Sources {
					in := validCaseInput()
					in.Category, in.Source = cat, src
					if _, err := mediation.NewCase(in, places, 7, opened); err != nil {
						t.Errorf("category %s, source %s: %v", cat, src, err)
					}
				}
			}
		}},

		{name: "ErrTitleRequired", edit: func(in *mediation.CaseInput) { in.Title = "" },
			fields: map[string]string{"title": "validation.required"}},
		{name: "ErrTitleWhitespaceOnly", edit: func(in *mediation.CaseInput) { in.Title = " \t\n\u3000 " },
			fields: map[string]string{"title": "validation.required"}},
		{name: "ErrTitleTooLong", edit: func(in *mediation.CaseInput) { in.Title = runes("漏", 101) },
			fields: map[string]string{"title": "validation.max"}, param: "100"},
		{name: "ErrTitleControlCharacter", edit: func(in *mediation.CaseInput) { in.Title = "楼上\x00漏水" },
			fields: map[string]string{"title": control}},
		{name: "ErrTitleEscapeSequence", edit: func(in *mediation.CaseInput) { in.Title = "\x1b[31m楼上漏水" },
			fields: map[string]string{"title": control}},
		{name: "ErrTitleLineSeparator", edit: func(in *mediation.CaseInput) { in.Title = "楼上\u2028漏水" },
			fields: map[string]string{"title": control}},
		{name: "ErrTitleInvalidUTF8", edit: func(in *mediation.CaseInput) { in.Title = "楼上\xff漏水" },
			fields: map[string]string{"title": control}},
		{name: "ErrCategoryRequired", edit: func(in *mediation.CaseInput) { in.Category = "" },
			fields: map[string]string{"category": "validation.required"}},
		{name: "ErrCategoryUnknown", edit: func(in *mediation.CaseInput) { in.Category = "Parking" },
			fields: map[string]string{"category": "validation.enum"}},
		{name: "ErrSourceRequired", edit: func(in *mediation.CaseInput) { in.Source = "" },
			fields: map[string]string{"source": "validation.required"}},
		{name: "ErrSourceUnknown", edit: func(in *mediation.CaseInput) { in.Source = "walk_in" },
			fields: map[string]string{"source": "validation.enum"}},
		{name: "ErrCommunityRequired", edit: func(in *mediation.CaseInput) { in.Community = "" },
			fields: map[string]string{"community": "validation.required"}},
		{name: "ErrCommunityWhitespaceOnly", edit: func(in *mediation.CaseInput) { in.Community = "   " },
			fields: map[string]string{"community": "validation.required"}},
		{name: "ErrCommunityTooLong", edit: func(in *mediation.CaseInput) { in.Community = runes("a", 65) },
			fields: map[string]string{"community": "validation.max"}, param: "64"},
		{name: "ErrCommunityUnknown", edit: func(in *mediation.CaseInput) { in.Community = "haidian" },
			fields: map[string]string{"community": "validation.community"}},
		{name: "ErrStreetMismatch", edit: func(in *mediation.CaseInput) { in.Street = "青年路街道" },
			fields: map[string]string{"street": "validation.street"}},
		{name: "ErrStreetTooLong", edit: func(in *mediation.CaseInput) { in.Street = runes("街", 65) },
			fields: map[string]string{"street": "validation.max"}, param: "64"},
		{name: "ErrSummaryTooLong", edit: func(in *mediation.CaseInput) { in.Summary = runes("漏", 4001) },
			fields: map[string]string{"summary": "validation.max"}, param: "4000"},
		// Validate promises that text bodies are printable; the summary is one.
		{name: "ErrSummaryControlCharacter", edit: func(in *mediation.CaseInput) { in.Summary = "漏水\x00\x1b[2J" },
			fields: map[string]string{"summary": "validation.text"}},
		{name: "ErrSeveralFields", edit: func(in *mediation.CaseInput) {
			in.Title, in.Category, in.Source = "", "unknown", ""
		}, fields: map[string]string{"title": "validation.required", "category": "validation.enum", "source": "validation.required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validCaseInput()
			tc.edit(&in)
			c, err := mediation.NewCase(in, places, 7, opened)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("NewCase: %v", err)
				}
				if tc.check != nil {
					tc.check(t, c)
				}
				return
			}
			if c != nil {
				t.Errorf("NewCase returned a case along with the error")
			}
			fields := wantFields(t, err, tc.fields)
			if tc.param != "" {
				for _, f := range fields {
					if f.Param != tc.param {
						t.Errorf("param = %q, want %q", f.Param, tc.param)
					}
				}
			}
		})
	}
}

func TestCaseApply(t *testing.T) {
	places := mediation.DefaultPlaces()
	ptr := func(s string) *string { return &s }
	cat := func(c mediation.Category) *mediation.Category { return &c }
	src := func(s mediation.Source) *mediation.Source { return &s }
	for _, tc := range []struct {
		name   string
		patch  mediation.CasePatch
		fields map[string]string // nil: valid
		want   func(c *mediation.Case)
	}{
		{name: "Title", patch: mediation.CasePatch{Title: ptr(" 楼上卫生间漏水（已维修） ")},
			want: func(c *mediation.Case) { c.Title = "楼上卫生间漏水（已维修）" }},
		{name: "NothingButTheTime", patch: mediation.CasePatch{}, want: func(*mediation.Case) {}},
		{name: "CategoryAndSource", patch: mediation.CasePatch{Category: cat(mediation.CategoryNoise), Source: src(mediation.SourceReferredPolice)},
			want: func(c *mediation.Case) {
				c.Category, c.Source = mediation.CategoryNoise, mediation.SourceReferredPolice
			}},
		{name: "SummaryCleared", patch: mediation.CasePatch{Summary: ptr("  ")},
			want: func(c *mediation.Case) { c.Summary = "" }},
		{name: "TitleOfMaxRunes", patch: mediation.CasePatch{Title: ptr(runes("漏", 100))},
			want: func(c *mediation.Case) { c.Title = runes("漏", 100) }},
		{name: "CommunityFillsItsStreet", patch: mediation.CasePatch{Community: ptr("qingnian-lu")},
			want: func(c *mediation.Case) { c.Community, c.Street = "qingnian-lu", "青年路街道" }},
		{name: "CommunityWithItsStreet", patch: mediation.CasePatch{Community: ptr("chaoyang-yuan"), Street: ptr("青年路街道")},
			want: func(c *mediation.Case) { c.Community, c.Street = "chaoyang-yuan", "青年路街道" }},
		{name: "StreetEmptiedIsFilledAgain", patch: mediation.CasePatch{Street: ptr("")}, want: func(*mediation.Case) {}},

		{name: "ErrTitleEmpty", patch: mediation.CasePatch{Title: ptr("")},
			fields: map[string]string{"title": "validation.required"}},
		{name: "ErrTitleWhitespaceOnly", patch: mediation.CasePatch{Title: ptr(" \t ")},
			fields: map[string]string{"title": "validation.required"}},
		{name: "ErrTitleTooLong", patch: mediation.CasePatch{Title: ptr(runes("漏", 101))},
			fields: map[string]string{"title": "validation.max"}},
		{name: "ErrTitleControlCharacter", patch: mediation.CasePatch{Title: ptr("漏\x7f水")},
			fields: map[string]string{"title": control}},
		{name: "ErrCategoryEmpty", patch: mediation.CasePatch{Category: cat("")}, fields: map[string]string{"category": ""}},
		{name: "ErrCategoryUnknown", patch: mediation.CasePatch{Category: cat("fight")},
			fields: map[string]string{"category": "validation.enum"}},
		{name: "ErrSourceUnknown", patch: mediation.CasePatch{Source: src("rumour")},
			fields: map[string]string{"source": "validation.enum"}},
		{name: "ErrCommunityEmpty", patch: mediation.CasePatch{Community: ptr("")}, fields: map[string]string{"community": ""}},
		{name: "ErrCommunityUnknown", patch: mediation.CasePatch{Community: ptr("haidian")},
			fields: map[string]string{"community": "validation.community"}},
		{name: "ErrStreetMismatch", patch: mediation.CasePatch{Street: ptr("青年路街道")},
			fields: map[string]string{"street": "validation.street"}},
		{name: "ErrCommunityWithAnotherStreet", patch: mediation.CasePatch{Community: ptr("qingnian-lu"), Street: ptr("和平街道")},
			fields: map[string]string{"street": "validation.street"}},
		{name: "ErrSummaryTooLong", patch: mediation.CasePatch{Summary: ptr(runes("漏", 4001))},
			fields: map[string]string{"summary": "validation.max"}},
		{name: "ErrSummaryControlCharacter", patch: mediation.CasePatch{Summary: ptr("漏水\x00")},
			fields: map[string]string{"summary": "validation.text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := mediation.NewCase(validCaseInput(), places, 7, opened)
			if err != nil {
				t.Fatal(err)
			}
			c.ID, c.Reference = 42, "2026-0042"
			want := *c
			want.Mediators = slices.Clone(c.Mediators)
			err = c.Apply(tc.patch, places, moved)
			if tc.fields == nil {
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				tc.want(&want)
				want.UpdatedAt = moved
			} else {
				wantFields(t, err, tc.fields)
			}
			if !reflect.DeepEqual(*c, want) {
				t.Errorf("case after Apply =\n\t%+v\nwant\n\t%+v", *c, want)
			}
		})
	}
}

func validPartyInput() mediation.PartyInput {
	return mediation.PartyInput{Name: "张三", Kind: mediation.PartyPerson, Side: mediation.SideApplicant,
		Address: "和平里 3 号楼 2 单元 501", Represents: ""}
}

func TestNewParty(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*mediation.PartyInput)
		fields map[string]string // nil: valid
		phone  string            // the stored phone, when valid
	}{
		{name: "Valid", edit: func(*mediation.PartyInput) {}},
		{name: "Organization", edit: func(in *mediation.PartyInput) {
			in.Name, in.Kind, in.Side, in.Represents = "某某物业服务有限公司", mediation.PartyOrganization, mediation.SideRespondent, "物业公司"
		}},
		{name: "HouseholdThirdParty", edit: func(in *mediation.PartyInput) {
			in.Kind, in.Side, in.Represents = mediation.PartyHousehold, mediation.SideThirdParty, "3 号楼 24 户业主"
		}},
		{name: "MobilePlain", edit: func(in *mediation.PartyInput) { in.Phone = "13800138000" }, phone: "13800138000"},
		{name: "MobileWithCountryCodeAndSpaces", edit: func(in *mediation.PartyInput) { in.Phone = "+86 138 0013 8000" }, phone: "13800138000"},
		{name: "MobileWith0086AndDash", edit: func(in *mediation.PartyInput) { in.Phone = "0086-13800138000" }, phone: "13800138000"},
		{name: "MobileWithDashes", edit: func(in *mediation.PartyInput) { in.Phone = " 138-0013-8000 " }, phone: "13800138000"},
		{name: "MobileNineteen", edit: func(in *mediation.PartyInput) { in.Phone = "19912345678" }, phone: "19912345678"},
		{name: "NameOfMaxRunes", edit: func(in *mediation.PartyInput) { in.Name = runes("张", 100) }},
		{name: "AddressOfMaxRunes", edit: func(in *mediation.PartyInput) { in.Address = runes("楼", 200) }},
		{name: "RepresentsOfMaxRunes", edit: func(in *mediation.PartyInput) { in.Represents = runes("户", 200) }},

		{name: "ErrMobileBadPrefix", edit: func(in *mediation.PartyInput) { in.Phone = "12800138000" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrMobileTooShort", edit: func(in *mediation.PartyInput) { in.Phone = "1380013800" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrMobileTooLong", edit: func(in *mediation.PartyInput) { in.Phone = "138001380001" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrMobileLetters", edit: func(in *mediation.PartyInput) { in.Phone = "1380013800O" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrMobileWord", edit: func(in *mediation.PartyInput) { in.Phone = "mobile" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrMobileCountryCodeBadNumber", edit: func(in *mediation.PartyInput) { in.Phone = "+86 128 0013 8000" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrMobileForeign", edit: func(in *mediation.PartyInput) { in.Phone = "+1 415 555 0100" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrNameRequired", edit: func(in *mediation.PartyInput) { in.Name = "" },
			fields: map[string]string{"name": "validation.required"}},
		{name: "ErrNameWhitespaceOnly", edit: func(in *mediation.PartyInput) { in.Name = "\u3000 " },
			fields: map[string]string{"name": "validation.required"}},
		{name: "ErrNameTooLong", edit: func(in *mediation.PartyInput) { in.Name = runes("张", 101) },
			fields: map[string]string{"name": "validation.max"}},
		{name: "ErrNameControlCharacter", edit: func(in *mediation.PartyInput) { in.Name = "张\x08三" },
			fields: map[string]string{"name": control}},
		{name: "ErrKindRequired", edit: func(in *mediation.PartyInput) { in.Kind = "" },
			fields: map[string]string{"kind": "validation.required"}},
		{name: "ErrKindUnknown", edit: func(in *mediation.PartyInput) { in.Kind = "company" },
			fields: map[string]string{"kind": "validation.enum"}},
		{name: "ErrSideRequired", edit: func(in *mediation.PartyInput) { in.Side = "" },
			fields: map[string]string{"side": "validation.required"}},
		{name: "ErrSideUnknown", edit: func(in *mediation.PartyInput) { in.Side = "plaintiff" },
			fields: map[string]string{"side": "validation.enum"}},
		{name: "ErrAddressTooLong", edit: func(in *mediation.PartyInput) { in.Address = runes("楼", 201) },
			fields: map[string]string{"address": "validation.max"}},
		{name: "ErrAddressControlCharacter", edit: func(in *mediation.PartyInput) { in.Address = "3 号楼\x00" },
			fields: map[string]string{"address": control}},
		{name: "ErrRepresentsTooLong", edit: func(in *mediation.PartyInput) { in.Represents = runes("户", 201) },
			fields: map[string]string{"represents": "validation.max"}},
		{name: "ErrRepresentsControlCharacter", edit: func(in *mediation.PartyInput) { in.Represents = "业主\u0085代表" },
			fields: map[string]string{"represents": control}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validPartyInput()
			tc.edit(&in)
			p, err := mediation.NewParty(in, 42, 7, opened)
			if tc.fields != nil {
				if p != nil {
					t.Errorf("NewParty returned a party along with the error")
				}
				wantFields(t, err, tc.fields)
				return
			}
			if err != nil {
				t.Fatalf("NewParty: %v", err)
			}
			if p.CaseID != 42 || p.CreatedBy != 7 || !p.CreatedAt.Equal(opened) || p.ID != 0 ||
				p.Name != strings.TrimSpace(in.Name) || p.Kind != in.Kind || p.Side != in.Side ||
				p.Address != strings.TrimSpace(in.Address) || p.Represents != strings.TrimSpace(in.Represents) {
				t.Errorf("NewParty = %+v from %+v", p, in)
			}
			if p.Phone != tc.phone {
				t.Errorf("phone = %q, want %q", p.Phone, tc.phone)
			}
		})
	}
}

func TestNewSubmission(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     mediation.SubmissionInput
		fields map[string]string // nil: valid
		body   string            // the stored body, when valid
	}{
		{name: "Valid", in: mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: " 我的车位被占了。 "},
			body: "我的车位被占了。"},
		{name: "LineBreaksAndTabs", in: mediation.SubmissionInput{Kind: mediation.SubmissionProposal, Body: "一、\t赔偿\n二、\t道歉"},
			body: "一、\t赔偿\n二、\t道歉"},
		// A browser sends a textarea's line breaks as CRLF.
		{name: "WindowsLineBreaks", in: mediation.SubmissionInput{Kind: mediation.SubmissionResponse, Body: "第一行\r\n第二行"}},
		{name: "BodyOfMaxRunes", in: mediation.SubmissionInput{Kind: mediation.SubmissionEvidence, Body: runes("证", mediation.MaxSubmissionBody)},
			body: runes("证", mediation.MaxSubmissionBody)},

		{name: "ErrBodyRequired", in: mediation.SubmissionInput{Kind: mediation.SubmissionPosition},
			fields: map[string]string{"body": "validation.required"}},
		{name: "ErrBodyWhitespaceOnly", in: mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: " \n\t\u3000 "},
			fields: map[string]string{"body": "validation.required"}},
		{name: "ErrBodyTooLong", in: mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: runes("证", mediation.MaxSubmissionBody+1)},
			fields: map[string]string{"body": "validation.max"}},
		{name: "ErrBodyControlCharacter", in: mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: "叮\x07"},
			fields: map[string]string{"body": "validation.text"}},
		{name: "ErrBodyParagraphSeparator", in: mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: "一\u2029二"},
			fields: map[string]string{"body": "validation.text"}},
		{name: "ErrBodyInvalidUTF8", in: mediation.SubmissionInput{Kind: mediation.SubmissionPosition, Body: "\xe6\xbc"},
			fields: map[string]string{"body": "validation.text"}},
		{name: "ErrKindRequired", in: mediation.SubmissionInput{Body: "意见"},
			fields: map[string]string{"kind": "validation.required"}},
		{name: "ErrKindUnknown", in: mediation.SubmissionInput{Kind: "complaint", Body: "意见"},
			fields: map[string]string{"kind": "validation.enum"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Supersedes = 5
			s, err := mediation.NewSubmission(in, 42, 19, 7, opened)
			if tc.fields != nil {
				if s != nil {
					t.Errorf("NewSubmission returned a submission along with the error")
				}
				wantFields(t, err, tc.fields)
				return
			}
			if err != nil {
				t.Fatalf("NewSubmission: %v", err)
			}
			if s.CaseID != 42 || s.PartyID != 19 || s.EnteredBy != 7 || s.Supersedes != 5 || s.Kind != in.Kind ||
				s.Released || s.ReleasedAt != nil || !s.CreatedAt.Equal(opened) || s.ID != 0 {
				t.Errorf("NewSubmission = %+v", s)
			}
			if tc.body != "" && s.Body != tc.body {
				t.Errorf("body = %q, want %q", s.Body, tc.body)
			}
		})
	}

	t.Run("EveryKind", func(t *testing.T) {
		for _, k := range mediation.SubmissionKinds {
			if _, err := mediation.NewSubmission(mediation.SubmissionInput{Kind: k, Body: "意见"}, 1, 1, 0, opened); err != nil {
				t.Errorf("kind %s: %v", k, err)
			}
		}
	})
	t.Run("ReleaseOnce", func(t *testing.T) {
		s, _ := mediation.NewSubmission(mediation.SubmissionInput{Kind: mediation.SubmissionProposal, Body: "方案"}, 1, 1, 0, opened)
		if !s.Release(moved) || !s.Released || s.ReleasedAt == nil || !s.ReleasedAt.Equal(moved) {
			t.Fatalf("first Release: %+v", s)
		}
		if s.Release(moved.Add(time.Hour)) || !s.ReleasedAt.Equal(moved) {
			t.Errorf("second Release changed the submission: %+v", s)
		}
	})
	t.Run("ClosedCasesTakeNone", func(t *testing.T) {
		for _, st := range mediation.Statuses {
			err := caseIn(st).AcceptsSubmissions()
			closed := st == mediation.StatusClosed || st == mediation.StatusWithdrawn
			if closed && mediation.ErrorCode(err) != mediation.ECONFLICT {
				t.Errorf("%s: error = %v, want conflict", st, err)
			}
			if !closed && err != nil {
				t.Errorf("%s: %v", st, err)
			}
		}
	})
}

func validUserInput() mediation.UserInput {
	return mediation.UserInput{Username: "wang.li", DisplayName: "王丽", Role: mediation.RoleMediator,
		Password: "correct horse battery staple"}
}

func TestNewUser(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*mediation.UserInput)
		fields map[string]string // nil: valid
		param  string
	}{
		{name: "Valid", edit: func(*mediation.UserInput) {}},
		{name: "Office", edit: func(in *mediation.UserInput) { in.Role = mediation.RoleOffice }},
		{name: "Admin", edit: func(in *mediation.UserInput) { in.Role = mediation.RoleAdmin }},
		{name: "UsernameTrimmed", edit: func(in *mediation.UserInput) { in.Username = "  wang_li-2 " }},
		{name: "UsernameShortest", edit: func(in *mediation.UserInput) { in.Username = "wly" }},
		{name: "UsernameLongest", edit: func(in *mediation.UserInput) { in.Username = "w" + runes("x", 31) }},
		{name: "Mobile", edit: func(in *mediation.UserInput) { in.Phone = "+86 139 0000 0001" }},
		{name: "DisplayNameOfMaxRunes", edit: func(in *mediation.UserInput) { in.DisplayName = runes("丽", 50) }},
		{name: "PasswordOfMinRunes", edit: func(in *mediation.UserInput) { in.Password = "密码密码密码密码" }},
		{name: "ChinesePassphrase64", edit: func(in *mediation.UserInput) {
			in.Password = runes("床前明月光疑是地上霜", 6) + "举头望月"
		}},
		{name: "PasswordOfMaxRunes", edit: func(in *mediation.UserInput) { in.Password = runes("密", 128) }},

		{name: "ErrUsernameRequired", edit: func(in *mediation.UserInput) { in.Username = " " },
			fields: map[string]string{"username": "validation.required"}},
		{name: "ErrUsernameUppercase", edit: func(in *mediation.UserInput) { in.Username = "Wang" },
			fields: map[string]string{"username": "validation.username"}},
		{name: "ErrUsernameTooShort", edit: func(in *mediation.UserInput) { in.Username = "wl" },
			fields: map[string]string{"username": "validation.username"}},
		{name: "ErrUsernameTooLong", edit: func(in *mediation.UserInput) { in.Username = "w" + runes("x", 32) },
			fields: map[string]string{"username": "validation.username"}},
		{name: "ErrUsernameLeadingDigit", edit: func(in *mediation.UserInput) { in.Username = "1wang" },
			fields: map[string]string{"username": "validation.username"}},
		{name: "ErrUsernameSpace", edit: func(in *mediation.UserInput) { in.Username = "wang li" },
			fields: map[string]string{"username": "validation.username"}},
		{name: "ErrUsernameChinese", edit: func(in *mediation.UserInput) { in.Username = "王丽" },
			fields: map[string]string{"username": "validation.username"}},
		{name: "ErrDisplayNameRequired", edit: func(in *mediation.UserInput) { in.DisplayName = "\t\n" },
			fields: map[string]string{"display_name": "validation.required"}},
		{name: "ErrDisplayNameTooLong", edit: func(in *mediation.UserInput) { in.DisplayName = runes("丽", 51) },
			fields: map[string]string{"display_name": "validation.max"}, param: "50"},
		{name: "ErrDisplayNameControlCharacter", edit: func(in *mediation.UserInput) { in.DisplayName = "王\x00丽" },
			fields: map[string]string{"display_name": control}},
		{name: "ErrRoleRequired", edit: func(in *mediation.UserInput) { in.Role = "" },
			fields: map[string]string{"role": "validation.required"}},
		{name: "ErrRoleParty", edit: func(in *mediation.UserInput) { in.Role = "party" },
			fields: map[string]string{"role": "validation.enum"}},
		{name: "ErrPhone", edit: func(in *mediation.UserInput) { in.Phone = "010-1234" },
			fields: map[string]string{"phone": "validation.phone"}},
		{name: "ErrPasswordRequired", edit: func(in *mediation.UserInput) { in.Password = "" },
			fields: map[string]string{"password": "validation.required"}},
		{name: "ErrPasswordTooShort", edit: func(in *mediation.UserInput) { in.Password = "密码密码密码密" },
			fields: map[string]string{"password": "validation.min"}, param: "8"},
		{name: "ErrPasswordTooLong", edit: func(in *mediation.UserInput) { in.Password = runes("密", 129) },
			fields: map[string]string{"password": "validation.max"}, param: "128"},
		{name: "ErrSeveralFields", edit: func(in *mediation.UserInput) { in.Username, in.DisplayName, in.Role = "X", "", "root" },
			fields: map[string]string{"username": "validation.username", "display_name": "validation.required", "role": "validation.enum"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := validUserInput()
			tc.edit(&in)
			u, err := mediation.NewUser(&in, opened)
			if tc.fields != nil {
				if u != nil {
					t.Errorf("NewUser returned a user along with the error")
				}
				fields := wantFields(t, err, tc.fields)
				if tc.param != "" {
					for _, f := range fields {
						if f.Param != tc.param {
							t.Errorf("param = %q, want %q", f.Param, tc.param)
						}
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("NewUser: %v", err)
			}
			if u.Username != strings.TrimSpace(in.Username) || u.DisplayName != in.DisplayName || u.Role != in.Role ||
				u.PasswordHash != "" || !u.CreatedAt.Equal(opened) {
				t.Errorf("NewUser = %+v from %+v", u, in)
			}
			if in.Phone != "" && u.Phone != "13900000001" {
				t.Errorf("phone = %q, want 13900000001", u.Phone)
			}
		})
	}
}

func TestUserConflicts(t *testing.T) {
	u := &mediation.User{DisplayName: "王丽", Phone: "13900000001"}
	for _, tc := range []struct {
		name  string
		party mediation.Party
		want  bool
	}{
		{"SameName", mediation.Party{Name: "王丽"}, true},
		{"SamePhone", mediation.Party{Name: "王先生", Phone: "13900000001"}, true},
		{"Different", mediation.Party{Name: "张三", Phone: "13800138000"}, false},
		{"NoPhones", mediation.Party{Name: "张三"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := u.Conflicts(&tc.party); got != tc.want {
				t.Errorf("Conflicts = %v, want %v", got, tc.want)
			}
		})
	}
	if (&mediation.User{DisplayName: "赵六"}).Conflicts(&mediation.Party{Name: "张三"}) {
		t.Error("a user without a phone conflicts with a party without one")
	}
}
