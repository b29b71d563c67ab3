package web_test

import (
	"net/http"

	"tiaojie/internal/mediation"
)

// closingBadInputs are the bad requests of closing a case, the mediator's
// own neutrality and recusals.
func closingBadInputs() []badInputCase {
	var rows []badInputCase
	add := func(cs ...badInputCase) { rows = append(rows, cs...) }

	// PUT /cases/{case}/parties/{party}/identity, by the case's mediator.
	identity := badRoute{"ConfirmIdentity", "mediator", "PUT", "/api/v1/cases/{caseA}/parties/{partyA1}/identity"}
	add(identity.malformed(`{"method":"居民身份证"}`)...)
	add(
		identity.invalid("MethodMissing", `{}`, "method"),
		identity.invalid("MethodBlank", `{"method":" 　"}`, "method"),
		identity.invalid("MethodTooLong", `{"method":`+jsonRepeat("证", 101)+`}`, "method"),
		identity.invalid("MethodNewline", `{"method":"居民\n身份证"}`, "method"),
		identity.invalid("MethodWrongType", `{"method":1}`, "method"),
		identity.at("/api/v1/cases/{caseA}/parties/{partyB1}/identity").notFound("PartyOfAnotherCase", `{"method":"居民身份证"}`),
		identity.at("/api/v1/cases/{caseA}/parties/999999/identity").notFound("PartyNotFound", `{"method":"居民身份证"}`),
		identity.at("/api/v1/cases/{caseB}/parties/{partyB1}/identity").notFound("CaseNotAssigned", `{"method":"居民身份证"}`),
		identity.by("a1").row("ByTheParty", `{"method":"居民身份证"}`, http.StatusForbidden, mediation.EFORBIDDEN, ""),
	)

	// PUT /cases/{case}/parties/{party}/notice, by the case's mediator.
	notice := badRoute{"RecordNotice", "mediator", "PUT", "/api/v1/cases/{caseA}/parties/{partyA2}/notice"}
	add(notice.malformed(`{"note":"书面告知"}`)...)
	add(
		notice.invalid("NoteTooLong", `{"note":`+jsonRepeat("告", 501)+`}`, "note"),
		notice.invalid("NoteNUL", `{"note":"告\u0000知"}`, "note"),
		notice.invalid("NoteWrongType", `{"note":[]}`, "note"),
		notice.at("/api/v1/cases/{caseA}/parties/abc/notice").notFound("PartyIDNotDecimal", `{}`),
	)

	// PUT /cases/{case}/no-agreement, by the case's mediator.
	failure := badRoute{"RecordNoAgreement", "mediator", "PUT", "/api/v1/cases/{caseA}/no-agreement"}
	valid := `{"reason":"双方分歧过大","remedies_explained":true}`
	add(failure.malformed(valid)...)
	add(
		failure.invalid("ReasonMissing", `{"remedies_explained":true}`, "reason"),
		failure.invalid("ReasonBlank", `{"reason":" \n ","remedies_explained":true}`, "reason"),
		failure.invalid("ReasonTooLong", `{"reason":`+jsonRepeat("因", 2001)+`}`, "reason"),
		failure.invalid("RemediesWrongType", `{"reason":"分歧过大","remedies_explained":"yes"}`, "remedies_explained"),
		// Case A is in intake: a failed mediation is recorded while
		// mediating or after no agreement.
		func() badInputCase {
			c := failure.row("CaseInIntake", valid, http.StatusConflict, mediation.ECONFLICT, "")
			c.allowed = []string{"mediating", "no_agreement"}
			return c
		}(),
		failure.at("/api/v1/cases/{caseB}/no-agreement").notFound("CaseNotAssigned", valid),
	)

	// PUT /me/interests, by a mediator.
	interests := badRoute{"SetInterests", "mediator", "PUT", "/api/v1/me/interests"}
	add(interests.malformed(`{"communities":["heping-li"],"buildings":[],"organisations":[]}`)...)
	many := `[`
	for i := range 21 {
		if i > 0 {
			many += ","
		}
		many += jsonText(string(rune('A'+i)) + "栋")
	}
	many += `]`
	add(
		interests.invalid("CommunityUnknown", `{"communities":["atlantis"]}`, "communities"),
		interests.invalid("CommunitiesNotAList", `{"communities":"heping-li"}`, "communities"),
		interests.invalid("BuildingsTooMany", `{"buildings":`+many+`}`, "buildings"),
		interests.invalid("BuildingTooLong", `{"buildings":[`+jsonRepeat("楼", 101)+`]}`, "buildings"),
		interests.invalid("OrganisationNewline", `{"organisations":["万科\n物业"]}`, "organisations"),
		interests.invalid("OrganisationWrongType", `{"organisations":[1]}`, "organisations"),
		interests.row("UnknownFieldUserID", `{"user_id":"1","communities":[]}`, http.StatusBadRequest, mediation.EMALFORMED, "user_id"),
		interests.by("a1").row("ByAParty", `{"communities":[]}`, http.StatusForbidden, mediation.EFORBIDDEN, ""),
		interests.by("admin").row("ByTheAdmin", `{"communities":[]}`, http.StatusForbidden, mediation.EFORBIDDEN, ""),
	)

	// POST /cases/{case}/recusals, by a party of the case.
	recusal := badRoute{"RequestRecusal", "a1", "POST", "/api/v1/cases/{caseA}/recusals"}
	body := jsonObject{{"user_id", `"{userWang}"`}, {"reason", jsonText("调解员与对方是同事")}}
	add(recusal.malformed(body.String())...)
	add(
		recusal.invalid("UserIDMissing", body.without("user_id"), "user_id"),
		recusal.invalid("UserIDNotDecimal", body.with("user_id", `"wang"`), "user_id"),
		recusal.invalid("UserIDNumber", body.with("user_id", `{userWang}`), "user_id"),
		recusal.invalid("UserNotAMediatorOfTheCase", body.with("user_id", `"{userLi}"`), "user_id"),
		recusal.invalid("UserTheOffice", body.with("user_id", `"{userOffice}"`), "user_id"),
		recusal.invalid("ReasonMissing", body.without("reason"), "reason"),
		recusal.invalid("ReasonBlank", body.with("reason", jsonText(" 　")), "reason"),
		recusal.invalid("ReasonTooLong", body.with("reason", jsonRepeat("因", 1001)), "reason"),
		recusal.invalid("ReasonEscape", body.with("reason", `"\u001b[31m"`), "reason"),
		recusal.at("/api/v1/cases/{caseB}/recusals").notFound("CaseOfAnotherParty", body.String()),
		recusal.by("mediator").row("ByTheMediator", body.String(), http.StatusForbidden, mediation.EFORBIDDEN, ""),
	)

	// POST /cases/{case}/mediators: the justification of an override.
	assign := badRoute{"AssignMediatorOverride", "mediator", "POST", "/api/v1/cases/{caseA}/mediators"}
	add(
		assign.invalid("OverrideReasonTooLong", `{"user_id":"{userLi}","override_reason":`+jsonRepeat("因", 1001)+`}`, "override_reason"),
		assign.invalid("OverrideReasonNUL", `{"user_id":"{userLi}","override_reason":"因\u0000"}`, "override_reason"),
		assign.invalid("OverrideReasonWrongType", `{"user_id":"{userLi}","override_reason":true}`, "override_reason"),
	)
	return rows
}
