package web_test

import (
	"net/http"
	"strings"
	"testing"

	"tiaojie/internal/mediation"
)

// agreementBadInputScene adds to the bad-input scene, before any
// fingerprint: case {caseAgree} being mediated, with parties
// {partyAgree1} (signed in as "agreeParty") and {partyAgree2}, a draft
// {agrDraft} and a proposed agreement {agrProp}; and case {caseAgreed},
// whose oral agreement is in effect, with party {partyAgreed}. It answers
// the placeholders and the client.
func agreementBadInputScene(t *testing.T, s *scene) ([]string, *client) {
	t.Helper()
	newCase := func(title string) string {
		var cs idOnly
		s.mediator.mustJSON("POST", "/api/v1/cases", map[string]string{"title": title, "category": "parking",
			"community": "qingnian-lu", "source": "party_application"}, http.StatusCreated, &cs)
		return cs.ID
	}
	party := func(cs, name, side string) partyCreated {
		var p partyCreated
		s.mediator.mustJSON("POST", "/api/v1/cases/"+cs+"/parties", map[string]string{"name": name,
			"kind": "person", "side": side}, http.StatusCreated, &p)
		return p
	}
	caseAgree, caseAgreed := newCase("协议案件"), newCase("口头协议案件")
	p1, p2 := party(caseAgree, "甲一", "applicant"), party(caseAgree, "乙二", "respondent")
	pd := party(caseAgreed, "丙三", "applicant")
	mediating(s.mediator, caseAgree)
	mediating(s.mediator, caseAgreed)
	body := func(obligor string) map[string]any {
		return map[string]any{"facts": "车位之争。", "disputed_matters": "车位B-3。", "oral": false,
			"terms": []map[string]string{{"obligor_party_id": obligor, "text": "移车。", "manner": "自行", "deadline": shanghaiDay(5)}}}
	}
	base := "/api/v1/cases/" + caseAgree + "/agreements"
	var draft, prop idOnly
	s.mediator.mustJSON("POST", base, body(p2.ID), http.StatusCreated, &draft)
	s.mediator.mustJSON("POST", base, body(p2.ID), http.StatusCreated, &prop)
	s.mediator.mustJSON("POST", base+"/"+prop.ID+"/propose", nil, http.StatusOK, nil)
	oral := body(pd.ID)
	oral["oral"] = true
	s.mediator.mustJSON("POST", "/api/v1/cases/"+caseAgreed+"/agreements", oral, http.StatusCreated, nil)
	return []string{"{caseAgree}", caseAgree, "{caseAgreed}", caseAgreed, "{partyAgree1}", p1.ID, "{partyAgree2}", p2.ID,
		"{partyAgreed}", pd.ID, "{agrDraft}", draft.ID, "{agrProp}", prop.ID, "{today}", shanghaiDay(0),
		"{tomorrow}", shanghaiDay(1), "{in5}", shanghaiDay(5)}, s.app.party(p1.Invitation.Token)
}

func agreementBadInputs() []badInputCase {
	var rows []badInputCase
	add := func(cs ...badInputCase) { rows = append(rows, cs...) }
	term := jsonObject{{"obligor_party_id", `"{partyAgree2}"`}, {"text", jsonText("移车。")}, {"manner", jsonText("自行")},
		{"place", jsonText("车库")}, {"deadline", `"{in5}"`}}
	terms := func(t ...string) string { return "[" + strings.Join(t, ",") + "]" }
	body := jsonObject{{"facts", jsonText("车位之争。")}, {"disputed_matters", jsonText("车位B-3。")},
		{"terms", terms(term.String())}}

	// POST /cases/{case}/agreements, by the case's mediator.
	draft := badRoute{"CreateAgreement", "mediator", "POST", "/api/v1/cases/{caseAgree}/agreements"}
	add(draft.malformed(body.String())...)
	add(
		draft.invalid("FactsMissing", body.without("facts"), "facts"),
		draft.invalid("FactsBlank", body.with("facts", jsonText(" \n ")), "facts"),
		draft.invalid("FactsTooLong", body.with("facts", jsonRepeat("事", 4001)), "facts"),
		draft.invalid("FactsControl", body.with("facts", jsonText("车位\u0007之争")), "facts"),
		draft.invalid("DisputedMattersMissing", body.without("disputed_matters"), "disputed_matters"),
		draft.invalid("ResponsibilityBidiOverride", body.with("responsibility", jsonText("甲\u202e乙")), "responsibility"),
		draft.invalid("TermsMissing", body.without("terms"), "terms"),
		draft.invalid("TermsEmpty", body.with("terms", "[]"), "terms"),
		draft.invalid("TermsTooMany", body.with("terms", "["+strings.Repeat(term.String()+",", 50)+term.String()+"]"), "terms"),
		draft.invalid("TermsNotAList", body.with("terms", term.String()), "terms"),
		draft.invalid("TermTextMissing", body.with("terms", terms(term.without("text"))), "terms[0].text"),
		draft.invalid("TermTextTooLong", body.with("terms", terms(term.with("text", jsonRepeat("移", 1001)))), "terms[0].text"),
		draft.invalid("TermMannerMissing", body.with("terms", terms(term.without("manner"))), "terms[0].manner"),
		draft.invalid("TermPlaceNewline", body.with("terms", terms(term.with("place", jsonText("车\n库")))), "terms[0].place"),
		draft.invalid("TermDeadlineMissing", body.with("terms", terms(term.without("deadline"))), "terms[0].deadline"),
		draft.invalid("TermDeadlineNotADate", body.with("terms", terms(term.with("deadline", `"2026-02-30"`))), "terms[0].deadline"),
		draft.invalid("TermDeadlineWithTime", body.with("terms", terms(term.with("deadline", `"{in5}T10:00:00+08:00"`))), "terms[0].deadline"),
		draft.invalid("TermDeadlinePast", body.with("terms", terms(term.String(), term.with("deadline", `"2020-01-01"`))), "terms[1].deadline"),
		draft.invalid("ObligorMissing", body.with("terms", terms(term.without("obligor_party_id"))), "terms[0].obligor_party_id"),
		draft.invalid("ObligorOfAnotherCase", body.with("terms", terms(term.with("obligor_party_id", `"{partyB1}"`))), "terms[0].obligor_party_id"),
		draft.invalid("ObligorUnknown", body.with("terms", terms(term.with("obligor_party_id", `"999999"`))), "terms[0].obligor_party_id"),
		draft.invalid("PartiesIncomplete", body.with("parties", `[{"party_id":"{partyAgree1}","name":"甲一","kind":"person","side":"applicant"}]`), "parties"),
		draft.invalid("PartyNameBlank", body.with("parties", `[{"party_id":"{partyAgree1}","name":" ","kind":"person","side":"applicant"},`+
			`{"party_id":"{partyAgree2}","name":"乙二","kind":"person","side":"respondent"}]`), "parties[0].name"),
		draft.invalid("PartyTwice", body.with("parties", `[{"party_id":"{partyAgree1}","name":"甲一","kind":"person","side":"applicant"},`+
			`{"party_id":"{partyAgree1}","name":"甲一","kind":"person","side":"applicant"}]`), "parties[1].party_id"),
		draft.invalid("PartySideUnknown", body.with("parties", `[{"party_id":"{partyAgree1}","name":"甲一","kind":"person","side":"judge"},`+
			`{"party_id":"{partyAgree2}","name":"乙二","kind":"person","side":"respondent"}]`), "parties[0].side"),
		draft.invalid("OralNotABoolean", body.with("oral", `"yes"`), "oral"),
		draft.row("UnknownFieldStatus", body.with("status", `"effective"`), http.StatusBadRequest, mediation.EMALFORMED, "status"),
		draft.at("/api/v1/cases/{caseSpare}/agreements").row("CaseInIntake", body.String(), http.StatusConflict, mediation.ECONFLICT, ""),
		draft.at("/api/v1/cases/{caseAgreed}/agreements").row("CaseAgreed", body.String(), http.StatusConflict, mediation.ECONFLICT, ""),
		draft.at("/api/v1/cases/{caseB}/agreements").notFound("CaseNotAssigned", body.String()),
	)

	// PUT /cases/{case}/agreements/{agreement}: a new version.
	revise := badRoute{"ReviseAgreement", "mediator", "PUT", "/api/v1/cases/{caseAgree}/agreements/{agrDraft}"}
	add(revise.malformed(body.String())...)
	add(
		revise.invalid("FactsMissing", body.without("facts"), "facts"),
		revise.invalid("TermDeadlinePast", body.with("terms", terms(term.with("deadline", `"2020-01-01"`))), "terms[0].deadline"),
		revise.row("UnknownFieldOral", body.with("oral", "true"), http.StatusBadRequest, mediation.EMALFORMED, "oral"),
		revise.row("UnknownFieldVersion", body.with("version", "3"), http.StatusBadRequest, mediation.EMALFORMED, "version"),
		revise.at("/api/v1/cases/{caseA}/agreements/{agrDraft}").notFound("UnderAnotherCase", body.String()),
		revise.at("/api/v1/cases/{caseAgree}/agreements/999999").notFound("AgreementNotFound", body.String()),
	)

	// POST …/sign, by a party of the case, and by its mediator.
	sign := badRoute{"SignAgreement", "agreeParty", "POST", "/api/v1/cases/{caseAgree}/agreements/{agrProp}/sign"}
	signed := jsonObject{{"confirm_name", jsonText("甲一")}, {"pin", `"` + testPIN + `"`}}
	add(sign.malformed(signed.String())...)
	add(
		sign.invalid("ConfirmNameMissing", signed.without("confirm_name"), "confirm_name"),
		sign.invalid("ConfirmNameOtherParty", signed.with("confirm_name", jsonText("乙二")), "confirm_name"),
		sign.invalid("ConfirmNameWrongType", signed.with("confirm_name", "1"), "confirm_name"),
		sign.invalid("PINMissing", signed.without("pin"), "pin"),
		sign.invalid("PINWrong", signed.with("pin", `"135799"`), "pin"),
		sign.invalid("PINShort", signed.with("pin", `"2468"`), "pin"),
		sign.invalid("PINNotDigits", signed.with("pin", `"二四六八一零"`), "pin"),
		sign.invalid("VersionNotANumber", signed.with("version", `"one"`), "version"),
		sign.row("VersionNotProposed", signed.with("version", "7"), http.StatusConflict, mediation.ECONFLICT, ""),
		sign.notFound("ForAnotherParty", signed.with("party_id", `"{partyAgree2}"`)),
		sign.at("/api/v1/cases/{caseAgree}/agreements/{agrDraft}/sign").notFound("Draft", signed.String()),
		sign.by("mediator").invalid("MediatorTypingAPartyName", `{"confirm_name":"甲一"}`, "confirm_name"),
		sign.by("mediator").notFound("MediatorForAParty", `{"confirm_name":"名 wang","party_id":"{partyAgree1}"}`),
		sign.by("admin").row("Admin", `{"confirm_name":"名 admin"}`, http.StatusForbidden, mediation.EFORBIDDEN, ""),
	)

	// POST …/decline, by a party.
	decline := badRoute{"DeclineAgreement", "agreeParty", "POST", "/api/v1/cases/{caseAgree}/agreements/{agrProp}/decline"}
	add(decline.malformed(`{"reason":"补偿太少。"}`)...)
	add(
		decline.invalid("ReasonMissing", `{}`, "reason"),
		decline.invalid("ReasonBlank", `{"reason":"  "}`, "reason"),
		decline.invalid("ReasonTooLong", `{"reason":`+jsonRepeat("少", 1001)+`}`, "reason"),
		decline.invalid("ReasonControl", `{"reason":"补偿\u0000太少"}`, "reason"),
		decline.by("mediator").row("Mediator", `{"reason":"不同意"}`, http.StatusForbidden, mediation.EFORBIDDEN, ""),
	)

	// GET …/{agreement}?version=&compare=.
	show := badRoute{"ShowAgreement", "mediator", "GET", "/api/v1/cases/{caseAgree}/agreements/{agrDraft}?version=x"}
	add(
		show.invalid("VersionNotANumber", "", "version"),
		show.at("/api/v1/cases/{caseAgree}/agreements/{agrDraft}?version=01").invalid("VersionZeroPadded", "", "version"),
		show.at("/api/v1/cases/{caseAgree}/agreements/{agrDraft}?compare=-1").invalid("CompareNegative", "", "compare"),
		show.at("/api/v1/cases/{caseAgree}/agreements/{agrDraft}?version=5").notFound("VersionAbsent", ""),
		show.at("/api/v1/cases/{caseAgree}/agreements/{agrDraft}?compare=5").notFound("CompareAbsent", ""),
	)

	// POST /cases/{case}/visits, by the case's mediator.
	visit := badRoute{"CreateVisit", "mediator", "POST", "/api/v1/cases/{caseAgreed}/visits"}
	found := `[{"term_index":0,"performance":"performed"}]`
	v := jsonObject{{"party_id", `"{partyAgreed}"`}, {"visited_on", `"{today}"`}, {"terms", found}, {"satisfaction", "4"},
		{"notes", jsonText("已移车。")}}
	add(visit.malformed(v.String())...)
	add(
		visit.invalid("PartyMissing", v.without("party_id"), "party_id"),
		visit.invalid("PartyOfAnotherCase", v.with("party_id", `"{partyA1}"`), "party_id"),
		visit.invalid("VisitedOnMissing", v.without("visited_on"), "visited_on"),
		visit.invalid("VisitedOnNotADate", v.with("visited_on", jsonText("昨天")), "visited_on"),
		visit.invalid("VisitedOnTomorrow", v.with("visited_on", `"{tomorrow}"`), "visited_on"),
		visit.invalid("VisitedOnBeforeTheAgreement", v.with("visited_on", `"2020-01-01"`), "visited_on"),
		visit.invalid("TermsMissing", v.without("terms"), "terms"),
		visit.invalid("TermIndexOutOfRange", v.with("terms", `[{"term_index":1,"performance":"performed"}]`), "terms[0].term_index"),
		visit.invalid("TermIndexNegative", v.with("terms", `[{"term_index":-1,"performance":"performed"}]`), "terms[0].term_index"),
		visit.invalid("TermTwice", v.with("terms", `[{"term_index":0,"performance":"performed"},{"term_index":0,"performance":"partly"}]`), "terms[1].term_index"),
		visit.invalid("PerformanceUnknown", v.with("terms", `[{"term_index":0,"performance":"done"}]`), "terms[0].performance"),
		visit.invalid("PerformanceMissing", v.with("terms", `[{"term_index":0}]`), "terms[0].performance"),
		visit.invalid("SatisfactionZero", v.with("satisfaction", "0"), "satisfaction"),
		visit.invalid("SatisfactionSix", v.with("satisfaction", "6"), "satisfaction"),
		visit.invalid("SatisfactionText", v.with("satisfaction", `"5"`), "satisfaction"),
		visit.invalid("NotesTooLong", v.with("notes", jsonRepeat("访", 4001)), "notes"),
		visit.row("UnknownFieldAgreement", v.with("agreement_id", `"1"`), http.StatusBadRequest, mediation.EMALFORMED, "agreement_id"),
		visit.at("/api/v1/cases/{caseAgree}/visits").row("NoAgreementInEffect", v.with("party_id", `"{partyAgree1}"`), http.StatusConflict, mediation.ECONFLICT, ""),
		visit.at("/api/v1/cases/{caseB}/visits").notFound("CaseNotAssigned", v.String()),
	)
	return rows
}
