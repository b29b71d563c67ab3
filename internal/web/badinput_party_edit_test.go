package web_test

import (
	"net/http"

	"tiaojie/internal/mediation"
)

// partyEditBadInputs are the bad corrections and removals of a party.
func partyEditBadInputs() []badInputCase {
	var rows []badInputCase
	add := func(cs ...badInputCase) { rows = append(rows, cs...) }

	// PATCH /cases/{case}/parties/{party}, by the case's mediator.
	edit := badRoute{"UpdateParty", "mediator", "PATCH", "/api/v1/cases/{caseA}/parties/{partyA1}"}
	body := jsonObject{{"phone", `"010-62345678"`}}
	add(edit.malformed(body.String())...)
	add(
		edit.invalid("NameWhitespace", jsonObject{{"name", jsonText(" 　")}}.String(), "name"),
		edit.invalid("NameTooLong", jsonObject{{"name", jsonRepeat("赵", 101)}}.String(), "name"),
		edit.invalid("NameNewline", jsonObject{{"name", jsonText("赵\n明")}}.String(), "name"),
		edit.invalid("NameWrongType", jsonObject{{"name", "7"}}.String(), "name"),
		edit.invalid("KindInvalid", jsonObject{{"kind", `"company"`}}.String(), "kind"),
		edit.invalid("KindEmpty", jsonObject{{"kind", `""`}}.String(), "kind"),
		edit.invalid("SideInvalid", jsonObject{{"side", `"plaintiff"`}}.String(), "side"),
		edit.invalid("PhoneMobileShort", jsonObject{{"phone", `"1380013800"`}}.String(), "phone"),
		edit.invalid("PhoneLandlineShort", jsonObject{{"phone", `"010-12345"`}}.String(), "phone"),
		edit.invalid("PhoneLandlineNoAreaCode", jsonObject{{"phone", `"62345678"`}}.String(), "phone"),
		edit.invalid("PhoneExtensionTooLong", jsonObject{{"phone", `"0755-1234567-1234567"`}}.String(), "phone"),
		edit.invalid("PhoneWords", jsonObject{{"phone", jsonText("打居委会")}}.String(), "phone"),
		edit.invalid("PhoneWrongType", jsonObject{{"phone", "13800138000"}}.String(), "phone"),
		edit.invalid("AddressTooLong", jsonObject{{"address", jsonRepeat("址", 201)}}.String(), "address"),
		edit.invalid("AddressEscape", jsonObject{{"address", jsonText("5号楼\x1b")}}.String(), "address"),
		edit.invalid("RepresentsNUL", jsonObject{{"represents", jsonText("3号楼\x00业主")}}.String(), "represents"),
		edit.at("/api/v1/cases/{caseA}/parties/{partyB1}").notFound("PartyOfAnotherCase", body.String()),
		edit.at("/api/v1/cases/{caseB}/parties/{partyA1}").notFound("CaseMismatch", body.String()),
		edit.at("/api/v1/cases/{caseA}/parties/999999").notFound("PartyNotFound", body.String()),
		edit.at("/api/v1/cases/{caseA}/parties/zhao").notFound("PartyIDNotDecimal", body.String()),
	)

	// DELETE /cases/{case}/parties/{party}, by the case's mediator: a reason
	// is needed, and a party that has entered stays.
	remove := badRoute{"RemoveParty", "mediator", "DELETE", "/api/v1/cases/{caseOneSided}/parties/{partyOneSided}"}
	reason := jsonObject{{"reason", jsonText("重复添加")}}
	add(remove.malformed(reason.String())...)
	add(
		remove.invalid("ReasonMissing", `{}`, "reason"),
		remove.invalid("ReasonWhitespace", jsonObject{{"reason", jsonText(" 　")}}.String(), "reason"),
		remove.invalid("ReasonTooLong", jsonObject{{"reason", jsonRepeat("重", 1001)}}.String(), "reason"),
		remove.invalid("ReasonWrongType", jsonObject{{"reason", "1"}}.String(), "reason"),
		remove.at("/api/v1/cases/{caseA}/parties/{partyA1}").row("PartyHasEntered", reason.String(),
			http.StatusConflict, mediation.ECONFLICT, ""),
		remove.at("/api/v1/cases/{caseA}/parties/{partyB1}").notFound("PartyOfAnotherCase", reason.String()),
		remove.at("/api/v1/cases/{caseA}/parties/999999").notFound("PartyNotFound", reason.String()),
	)
	return rows
}
