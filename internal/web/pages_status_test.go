package web_test

import (
	"net/http"
	"testing"
)

// A final status asks for a reason and a confirmation on the page, but only
// after access is decided: another case's mediator finds nothing (404)
// whatever the form says.
func TestStatusFormFinalNeedsConfirmation(t *testing.T) {
	t.Parallel()
	s := newScene(t)
	path := "/cases/" + s.caseA + "/transitions"
	for _, form := range []map[string]string{{"to": "withdrawn"}, {"to": "withdrawn", "reason": "撤回", "confirm": "yes"}} {
		if got := sendForm(t, s.other, path, form); got.status != http.StatusNotFound {
			t.Errorf("another case's mediator, %v: %d", form, got.status)
		}
	}
	missing := sendForm(t, s.mediator, path, map[string]string{"to": "withdrawn", "reason": "撤回"})
	missing.wantStatus(t, http.StatusUnprocessableEntity)
	if missing.doc.Find(`#to option[value="withdrawn"][selected]`).Length() != 1 {
		t.Errorf("the chosen status is not kept: %s", missing.main())
	}
	if missing.doc.Find(`#problem a[href="#confirm"]`).Length() != 1 || missing.doc.Find(`#confirm`).Length() != 1 {
		t.Errorf("no summary link to the confirmation: %s", missing.main())
	}
	done := sendForm(t, s.mediator, path, map[string]string{"to": "withdrawn", "reason": "撤回", "confirm": "yes"})
	loc := done.location(t, "/cases/"+s.caseA)
	if page := openPage(t, s.mediator, loc); page.doc.Find("main .flash").Length() != 1 {
		t.Errorf("no message after the change: %s", page.main())
	}
	// A flash key not in the list shows nothing.
	if page := openPage(t, s.mediator, "/cases/"+s.caseA+"?done=<b>hacked</b>"); page.doc.Find("main .flash").Length() != 0 {
		t.Errorf("an unknown flash key is shown")
	}
}
