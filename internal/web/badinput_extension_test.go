package web_test

import (
	"net/http"

	"tiaojie/internal/mediation"
)

// extensionBadInputs are the bad requests to extend a case's mediation term.
func extensionBadInputs() []badInputCase {
	ext := badRoute{"ExtendTerm", "mediator", "POST", "/api/v1/cases/{caseA}/extension"}
	body := jsonObject{{"reason", jsonText("双方同意再调解一个月。")}, {"consented_by", `["{partyA1}","{partyA2}"]`}}
	rows := ext.malformed(body.String())
	return append(rows,
		ext.invalid("ReasonMissing", body.without("reason"), "reason"),
		ext.invalid("ReasonBlank", body.with("reason", jsonText(" 　")), "reason"),
		ext.invalid("ReasonTooLong", body.with("reason", jsonRepeat("谈", 1001)), "reason"),
		ext.invalid("ReasonNUL", body.with("reason", jsonText("谈\x00")), "reason"),
		ext.invalid("ConsentMissing", body.without("consented_by"), "consented_by"),
		ext.invalid("ConsentOfOneSide", body.with("consented_by", `["{partyA1}"]`), "consented_by"),
		ext.invalid("ConsentOfOneSideTwice", body.with("consented_by", `["{partyA1}","{partyA1}"]`), "consented_by"),
		ext.invalid("ConsentOfAnotherCase", body.with("consented_by", `["{partyA1}","{partyB1}"]`), "consented_by"),
		ext.invalid("ConsentNotAList", body.with("consented_by", `"{partyA1}"`), "consented_by"),
		ext.row("UnknownFieldMonths", body.with("months", "2"), http.StatusBadRequest, mediation.EMALFORMED, "months"),
		ext.at("/api/v1/cases/{caseEmpty}/extension").row("CaseWithdrawn", body.String(), http.StatusConflict, mediation.ECONFLICT, ""),
		ext.at("/api/v1/cases/{caseB}/extension").notFound("CaseNotAssigned", body.String()),
		ext.at("/api/v1/cases/999999/extension").notFound("CaseAbsent", body.String()),
	)
}
