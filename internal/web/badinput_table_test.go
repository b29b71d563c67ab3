package web_test

import (
	"net/http"

	"tiaojie/internal/mediation"
)

func badInputTable() []badInputCase {
	const (
		unknownID  = "999999"
		unknownRaw = `"999999"`
	)
	var rows []badInputCase
	add := func(cs ...badInputCase) { rows = append(rows, cs...) }

	// POST /login, by anyone.
	login := badRoute{"Login", "anon", "POST", "/api/v1/login"}
	loginBody := jsonObject{{"username", `"wang"`}, {"password", jsonText("pw-wang-密码")}}
	add(login.malformed(loginBody.String())...)
	add(
		login.invalid("UsernameWrongType", loginBody.with("username", "5"), "username"),
		login.invalid("PasswordWrongType", loginBody.with("password", "true"), "password"),
		login.invalid("UsernameMissing", loginBody.without("username"), "username"),
		login.invalid("PasswordEmpty", loginBody.with("password", `""`), "password"),
		login.invalid("UsernameTooLong", loginBody.with("username", jsonRepeat("a", 65)), "username"),
		login.invalid("PasswordTooLong", loginBody.with("password", jsonRepeat("密", 129)), "password"),
		login.row("WrongPassword", loginBody.with("password", jsonText("pw-wang-错")), http.StatusUnauthorized, mediation.EUNAUTHORIZED, ""),
	)

	// POST /access, by anyone holding an invitation.
	access := badRoute{"Access", "anon", "POST", "/api/v1/access"}
	accessBody := jsonObject{{"token", `"{tokenA1}"`}, {"pin", `"` + testPIN + `"`}}
	add(access.malformed(accessBody.String())...)
	add(
		access.invalid("TokenWrongType", accessBody.with("token", "123"), "token"),
		access.invalid("TokenMissing", `{}`, "token"),
		access.invalid("TokenTooLong", accessBody.with("token", jsonRepeat("A", 65)), "token"),
		access.invalid("PINMissing", accessBody.without("pin"), "pin"),
		access.invalid("PINFiveDigits", accessBody.with("pin", `"24681"`), "pin"),
		access.invalid("PINFullWidthDigits", accessBody.with("pin", jsonText("２４６８１０")), "pin"),
		access.invalid("PINWrongType", accessBody.with("pin", "246810"), "pin"),
		access.row("TokenUnknown", accessBody.with("token", jsonRepeat("A", 22)), http.StatusUnauthorized, mediation.EUNAUTHORIZED, ""),
		access.row("TokenNotAToken", accessBody.with("token", jsonText("not a token")), http.StatusUnauthorized, mediation.EUNAUTHORIZED, ""),
	)

	// POST /users, by the admin.
	users := badRoute{"CreateUser", "admin", "POST", "/api/v1/users"}
	userBody := jsonObject{{"username", `"zhao.lei"`}, {"display_name", jsonText("赵磊")}, {"role", `"mediator"`},
		{"password", jsonText("一个足够长的密码")}}
	add(users.malformed(userBody.String())...)
	add(
		users.row("UsernameTaken", userBody.with("username", `"wang"`), http.StatusConflict, mediation.ECONFLICT, "username"),
		users.row("UsernameTakenWithSpaces", userBody.with("username", `"  wang "`), http.StatusConflict, mediation.ECONFLICT, "username"),
		users.invalid("UsernameUpperCase", userBody.with("username", `"Zhao.Lei"`), "username"),
		users.invalid("UsernameTooShort", userBody.with("username", `"zl"`), "username"),
		users.invalid("UsernameTooLong", userBody.with("username", jsonRepeat("z", 33)), "username"),
		users.invalid("UsernameChinese", userBody.with("username", jsonText("赵磊")), "username"),
		users.invalid("UsernameMissing", userBody.without("username"), "username"),
		users.invalid("UsernameWrongType", userBody.with("username", "7"), "username"),
		users.invalid("DisplayNameEmpty", userBody.with("display_name", `""`), "display_name"),
		users.invalid("DisplayNameWhitespace", userBody.with("display_name", jsonText(" \t　")), "display_name"),
		users.invalid("DisplayNameTooLong", userBody.with("display_name", jsonRepeat("赵", 51)), "display_name"),
		users.invalid("DisplayNameNewline", userBody.with("display_name", jsonText("赵\n磊")), "display_name"),
		users.invalid("DisplayNameNUL", userBody.with("display_name", jsonText("赵\x00磊")), "display_name"),
		users.invalid("DisplayNameEscape", userBody.with("display_name", jsonText("\x1b[31m赵磊")), "display_name"),
		users.invalid("DisplayNameWrongType", userBody.with("display_name", `{"zh":"赵磊"}`), "display_name"),
		users.invalid("RoleInvalid", userBody.with("role", `"superuser"`), "role"),
		users.invalid("RoleParty", userBody.with("role", `"party"`), "role"),
		users.invalid("RoleUpperCase", userBody.with("role", `"Mediator"`), "role"),
		users.invalid("RoleMissing", userBody.without("role"), "role"),
		users.invalid("RoleWrongType", userBody.with("role", `["admin"]`), "role"),
		users.invalid("PhoneTenDigits", userBody.with("phone", `"1380013800"`), "phone"),
		users.invalid("PhoneTwelveDigits", userBody.with("phone", `"138001380001"`), "phone"),
		users.invalid("PhoneStarts12", userBody.with("phone", `"12800138000"`), "phone"),
		users.invalid("PhoneLetters", userBody.with("phone", `"1380013800a"`), "phone"),
		users.invalid("PhoneWrongType", userBody.with("phone", "13800138000"), "phone"),
		users.invalid("PasswordTooShort", userBody.with("password", `"1234567"`), "password"),
		users.invalid("PasswordTooLong", userBody.with("password", jsonRepeat("密", 129)), "password"),
		users.invalid("PasswordMissing", userBody.without("password"), "password"),
		users.row("UnknownFieldID", userBody.with("id", `"1"`), http.StatusBadRequest, mediation.EMALFORMED, "id"),
		users.row("UnknownFieldPasswordHash", userBody.with("password_hash", `"x"`), http.StatusBadRequest, mediation.EMALFORMED, "password_hash"),
	)

	// POST /cases, by a mediator.
	cases := badRoute{"CreateCase", "mediator", "POST", "/api/v1/cases"}
	caseBody := jsonObject{{"title", jsonText("楼道堆物")}, {"category", `"neighbour"`}, {"community", `"xinhua"`},
		{"source", `"committee_initiative"`}}
	add(cases.malformed(caseBody.String())...)
	add(
		cases.invalid("EmptyObject", `{}`, "title"),
		cases.invalid("TitleMissing", caseBody.without("title"), "title"),
		cases.invalid("TitleEmpty", caseBody.with("title", `""`), "title"),
		cases.invalid("TitleWhitespace", caseBody.with("title", jsonText("  \t\n ")), "title"),
		cases.invalid("TitleIdeographicSpaces", caseBody.with("title", jsonText("　　")), "title"),
		cases.invalid("TitleTooLong", caseBody.with("title", jsonRepeat("长", 101)), "title"),
		cases.invalid("TitleTooLongASCII", caseBody.with("title", jsonRepeat("a", 101)), "title"),
		cases.invalid("TitleNewline", caseBody.with("title", jsonText("楼道\n堆物")), "title"),
		cases.invalid("TitleTab", caseBody.with("title", jsonText("楼道\t堆物")), "title"),
		cases.invalid("TitleCarriageReturn", caseBody.with("title", jsonText("楼道\r堆物")), "title"),
		cases.invalid("TitleNUL", caseBody.with("title", jsonText("楼道\x00堆物")), "title"),
		cases.invalid("TitleEscape", caseBody.with("title", jsonText("\x1b[2J楼道堆物")), "title"),
		cases.invalid("TitleDelete", caseBody.with("title", jsonText("楼道\x7f堆物")), "title"),
		cases.invalid("TitleC1Control", caseBody.with("title", jsonText("楼道\u0085堆物")), "title"),
		cases.invalid("TitleLineSeparator", caseBody.with("title", jsonText("楼道\u2028堆物")), "title"),
		cases.invalid("TitleInvalidUTF8", caseBody.with("title", "\"楼道\xff堆物\""), "title"),
		cases.invalid("TitleWrongType", caseBody.with("title", "42"), "title"),
		cases.invalid("TitleObject", caseBody.with("title", `{}`), "title"),
		cases.invalid("TitleArray", caseBody.with("title", `["楼道堆物"]`), "title"),
		cases.invalid("CategoryInvalid", caseBody.with("category", `"car"`), "category"),
		cases.invalid("CategoryUpperCase", caseBody.with("category", `"Parking"`), "category"),
		cases.invalid("CategoryLabel", caseBody.with("category", jsonText("停车位")), "category"),
		cases.invalid("CategoryEmpty", caseBody.with("category", `""`), "category"),
		cases.invalid("CategoryWrongType", caseBody.with("category", "1"), "category"),
		cases.invalid("SourceInvalid", caseBody.with("source", `"neighbour_complaint"`), "source"),
		cases.invalid("SourceMissing", caseBody.without("source"), "source"),
		cases.invalid("SourceWrongType", caseBody.with("source", "false"), "source"),
		cases.invalid("CommunityMissing", caseBody.without("community"), "community"),
		cases.invalid("CommunityUnknown", caseBody.with("community", `"nowhere"`), "community"),
		cases.invalid("CommunityName", caseBody.with("community", jsonText("新华社区")), "community"),
		cases.invalid("CommunityTooLong", caseBody.with("community", jsonRepeat("x", 65)), "community"),
		cases.invalid("StreetMismatch", caseBody.with("street", jsonText("青年路街道")), "street"),
		cases.invalid("SummaryTooLong", caseBody.with("summary", jsonRepeat("述", 4001)), "summary"),
		cases.invalid("SummaryNUL", caseBody.with("summary", jsonText("堆物\x00")), "summary"),
		cases.invalid("SummaryWrongType", caseBody.with("summary", "[]"), "summary"),
		cases.row("UnknownFieldStatus", caseBody.with("status", `"closed"`), http.StatusBadRequest, mediation.EMALFORMED, "status"),
		cases.row("UnknownFieldMediators", caseBody.with("mediators", `["{userLi}"]`), http.StatusBadRequest, mediation.EMALFORMED, "mediators"),
		cases.row("UnknownFieldWrongCase", caseBody.drop("title").with("Title", jsonText("楼道堆物")),
			http.StatusBadRequest, mediation.EMALFORMED, "Title"),
	)

	// PATCH /cases/{case}, by an assigned mediator.
	patch := badRoute{"UpdateCase", "mediator", "PATCH", "/api/v1/cases/{caseA}"}
	add(patch.malformed(`{"title":"新标题"}`)...)
	add(
		patch.invalid("TitleEmpty", `{"title":""}`, "title"),
		patch.invalid("TitleWhitespace", `{"title":"   "}`, "title"),
		patch.invalid("TitleTooLong", `{"title":`+jsonRepeat("长", 101)+`}`, "title"),
		patch.invalid("TitleNewline", `{"title":"车位\n纠纷"}`, "title"),
		patch.invalid("TitleNUL", `{"title":"车位\u0000纠纷"}`, "title"),
		patch.invalid("TitleWrongType", `{"title":1}`, "title"),
		patch.invalid("CategoryInvalid", `{"category":"dogs"}`, "category"),
		patch.invalid("CategoryEmpty", `{"category":""}`, "category"),
		patch.invalid("CategoryWrongType", `{"category":{"code":"pets"}}`, "category"),
		patch.invalid("SourceInvalid", `{"source":"court"}`, "source"),
		patch.invalid("CommunityEmpty", `{"community":""}`, "community"),
		patch.invalid("CommunityUnknown", `{"community":"nowhere"}`, "community"),
		patch.invalid("StreetMismatch", `{"street":"青年路街道"}`, "street"),
		patch.invalid("SummaryTooLong", `{"summary":`+jsonRepeat("述", 4001)+`}`, "summary"),
		patch.invalid("SummaryEscape", `{"summary":"\u001b[31m红字"}`, "summary"),
		patch.row("UnknownFieldStatus", `{"status":"closed"}`, http.StatusBadRequest, mediation.EMALFORMED, "status"),
		patch.row("UnknownFieldID", `{"id":"{caseB}"}`, http.StatusBadRequest, mediation.EMALFORMED, "id"),
		patch.at("/api/v1/cases/"+unknownID).notFound("CaseNotFound", `{"title":"新标题"}`),
		patch.at("/api/v1/cases/abc").notFound("CaseIDNotDecimal", `{"title":"新标题"}`),
		patch.at("/api/v1/cases/0{caseA}").notFound("CaseIDLeadingZero", `{"title":"新标题"}`),
		patch.at("/api/v1/cases/{caseB}").notFound("CaseOfAnotherMediator", `{"title":"新标题"}`),
	)

	// POST /cases/{case}/transitions, by an assigned mediator.
	trans := badRoute{"Transition", "mediator", "POST", "/api/v1/cases/{caseA}/transitions"}
	add(trans.at("/api/v1/cases/{caseSpare}/transitions").malformed(`{"to":"mediating"}`)...)
	illegal := func(name, path, to string, allowed ...string) badInputCase {
		c := trans.at(path).row(name, `{"to":"`+to+`"}`, http.StatusConflict, mediation.ECONFLICT, "")
		c.allowed = allowed
		return c
	}
	incomplete := func(name, path string, missing ...string) badInputCase {
		c := trans.at(path).row(name, `{"to":"closed"}`, http.StatusConflict, mediation.ECONFLICT, "")
		c.missing = missing
		return c
	}
	add(
		illegal("IllegalIntakeToClosed", trans.path, "closed", "mediating", "withdrawn"),
		illegal("IllegalIntakeToAgreement", trans.path, "agreement", "mediating", "withdrawn"),
		illegal("IllegalIntakeToIntake", trans.path, "intake", "mediating", "withdrawn"),
		illegal("IllegalWithdrawnToMediating", "/api/v1/cases/{caseEmpty}/transitions", "mediating", "closed"),
		incomplete("ClosingWithoutParties", "/api/v1/cases/{caseEmpty}/transitions", "registration"),
		incomplete("ClosingWithoutRespondent", "/api/v1/cases/{caseOneSided}/transitions", "registration"),
		trans.invalid("StatusInvalid", `{"to":"done"}`, "to"),
		trans.invalid("StatusUpperCase", `{"to":"CLOSED"}`, "to"),
		trans.invalid("StatusMissing", `{"reason":"双方同意"}`, "to"),
		trans.invalid("StatusWrongType", `{"to":2}`, "to"),
		trans.invalid("ReasonMissing", `{"to":"withdrawn"}`, "reason"),
		trans.invalid("ReasonWhitespace", `{"to":"withdrawn","reason":" \n　"}`, "reason"),
		trans.invalid("ReasonTooLong", `{"to":"withdrawn","reason":`+jsonRepeat("因", 1001)+`}`, "reason"),
		trans.invalid("ReasonWrongType", `{"to":"withdrawn","reason":5}`, "reason"),
		trans.at("/api/v1/cases/{caseSpare}/transitions").invalid("ReasonNUL", `{"to":"withdrawn","reason":"申请人\u0000撤回"}`, "reason"),
		trans.row("UnknownFieldFrom", `{"from":"mediating","to":"agreement"}`, http.StatusBadRequest, mediation.EMALFORMED, "from"),
		trans.at("/api/v1/cases/"+unknownID+"/transitions").notFound("CaseNotFound", `{"to":"mediating"}`),
		trans.at("/api/v1/cases/{caseB}/transitions").notFound("CaseOfAnotherMediator", `{"to":"mediating"}`),
	)

	// POST /cases/{case}/mediators, by an assigned mediator.
	assign := badRoute{"AssignMediator", "mediator", "POST", "/api/v1/cases/{caseA}/mediators"}
	add(assign.malformed(`{"user_id":"{userWang}"}`)...)
	add(
		assign.invalid("UserIDNumber", `{"user_id":{userLi}}`, "user_id"),
		assign.invalid("UserIDNotDecimal", `{"user_id":"li"}`, "user_id"),
		assign.invalid("UserIDLeadingZero", `{"user_id":"0{userLi}"}`, "user_id"),
		assign.invalid("UserIDZero", `{"user_id":"0"}`, "user_id"),
		assign.invalid("UserIDNegative", `{"user_id":"-1"}`, "user_id"),
		assign.invalid("UserIDOverflow", `{"user_id":"18446744073709551616"}`, "user_id"),
		assign.invalid("UserIDObject", `{"user_id":{"id":"{userLi}"}}`, "user_id"),
		assign.invalid("UserIDMissing", `{}`, "user_id"),
		assign.invalid("UserIDEmpty", `{"user_id":""}`, "user_id"),
		assign.invalid("UserNotFound", `{"user_id":`+unknownRaw+`}`, "user_id"),
		assign.invalid("UserIsOffice", `{"user_id":"{userOffice}"}`, "user_id"),
		assign.invalid("UserIsAdmin", `{"user_id":"{userAdmin}"}`, "user_id"),
		assign.row("UnknownFieldRole", `{"user_id":"{userLi}","role":"lead"}`, http.StatusBadRequest, mediation.EMALFORMED, "role"),
		assign.at("/api/v1/cases/"+unknownID+"/mediators").notFound("CaseNotFound", `{"user_id":"{userLi}"}`),
		assign.at("/api/v1/cases/{caseB}/mediators").notFound("CaseOfAnotherMediator", `{"user_id":"{userWang}"}`),
	)

	// DELETE /cases/{case}/mediators/{user}, by the mediator stepping aside.
	remove := badRoute{"RemoveMediator", "mediator", "DELETE", "/api/v1/cases/{caseA}/mediators/{userWang}"}
	add(remove.malformed(`{"reason":"申请回避"}`)...)
	add(
		remove.invalid("ReasonMissing", `{}`, "reason"),
		remove.invalid("ReasonWhitespace", `{"reason":"　 \t"}`, "reason"),
		remove.invalid("ReasonTooLong", `{"reason":`+jsonRepeat("避", 1001)+`}`, "reason"),
		remove.invalid("ReasonNUL", `{"reason":"回避\u0000"}`, "reason"),
		remove.invalid("ReasonWrongType", `{"reason":["回避"]}`, "reason"),
		remove.row("LastMediator", `{"reason":"申请回避"}`, http.StatusConflict, mediation.ECONFLICT, ""),
		remove.at("/api/v1/cases/{caseA}/mediators/{userLi}").notFound("MediatorNotAssigned", `{"reason":"申请回避"}`),
		remove.at("/api/v1/cases/{caseA}/mediators/"+unknownID).notFound("UserNotFound", `{"reason":"申请回避"}`),
		remove.at("/api/v1/cases/{caseA}/mediators/wang").notFound("UserIDNotDecimal", `{"reason":"申请回避"}`),
		remove.at("/api/v1/cases/"+unknownID+"/mediators/{userWang}").notFound("CaseNotFound", `{"reason":"申请回避"}`),
	)

	// POST /cases/{case}/parties, by an assigned mediator.
	parties := badRoute{"CreateParty", "mediator", "POST", "/api/v1/cases/{caseA}/parties"}
	partyBody := jsonObject{{"name", jsonText("孙丽")}, {"kind", `"household"`}, {"side", `"third_party"`},
		{"phone", `"13600136000"`}, {"address", jsonText("5号楼")}}
	add(parties.malformed(partyBody.String())...)
	add(
		parties.invalid("NameMissing", partyBody.without("name"), "name"),
		parties.invalid("NameWhitespace", partyBody.with("name", jsonText(" 　")), "name"),
		parties.invalid("NameTooLong", partyBody.with("name", jsonRepeat("孙", 101)), "name"),
		parties.invalid("NameNewline", partyBody.with("name", jsonText("孙\n丽")), "name"),
		parties.invalid("NameTab", partyBody.with("name", jsonText("孙\t丽")), "name"),
		parties.invalid("NameNUL", partyBody.with("name", jsonText("孙\x00丽")), "name"),
		parties.invalid("NameWrongType", partyBody.with("name", `["孙丽"]`), "name"),
		parties.invalid("KindInvalid", partyBody.with("kind", `"company"`), "kind"),
		parties.invalid("KindMissing", partyBody.without("kind"), "kind"),
		parties.invalid("KindWrongType", partyBody.with("kind", "3"), "kind"),
		parties.invalid("SideInvalid", partyBody.with("side", `"plaintiff"`), "side"),
		parties.invalid("SideMissing", partyBody.without("side"), "side"),
		parties.invalid("SideWrongType", partyBody.with("side", "true"), "side"),
		parties.invalid("PhoneTenDigits", partyBody.with("phone", `"1380013800"`), "phone"),
		parties.invalid("PhoneTwelveDigits", partyBody.with("phone", `"138001380001"`), "phone"),
		parties.invalid("PhoneStarts12", partyBody.with("phone", `"12800138000"`), "phone"),
		parties.invalid("PhoneLetters", partyBody.with("phone", `"1380013800O"`), "phone"),
		parties.invalid("PhoneLandlineTooShort", partyBody.with("phone", `"010-12345"`), "phone"),
		parties.invalid("PhonePlus86TooShort", partyBody.with("phone", `"+86 138-0013-800"`), "phone"),
		parties.invalid("PhoneFullWidthDigits", partyBody.with("phone", jsonText("１３８００１３８０００")), "phone"),
		parties.invalid("PhoneWrongType", partyBody.with("phone", "13800138000"), "phone"),
		parties.invalid("AddressTooLong", partyBody.with("address", jsonRepeat("址", 201)), "address"),
		parties.invalid("AddressEscape", partyBody.with("address", jsonText("5号楼\x1b")), "address"),
		parties.invalid("RepresentsTooLong", partyBody.with("represents", jsonRepeat("户", 201)), "represents"),
		parties.invalid("RepresentsNUL", partyBody.with("represents", jsonText("3号楼\x00全体业主")), "represents"),
		auditedHit(parties.row("ConflictOfInterest", partyBody.with("name", jsonText("名 wang")), http.StatusConflict, mediation.ECONFLICT, "")),
		parties.row("UnknownFieldCaseID", partyBody.with("case_id", `"{caseB}"`), http.StatusBadRequest, mediation.EMALFORMED, "case_id"),
		parties.at("/api/v1/cases/"+unknownID+"/parties").notFound("CaseNotFound", partyBody.String()),
		parties.at("/api/v1/cases/{caseB}/parties").notFound("CaseOfAnotherMediator", partyBody.String()),
	)

	// POST /cases/{case}/parties/{party}/invitation, by an assigned mediator.
	inv := badRoute{"Invitation", "mediator", "POST", ""}
	add(
		inv.at("/api/v1/cases/{caseA}/parties/{partyB1}/invitation").notFound("PartyOfAnotherCase", ""),
		inv.at("/api/v1/cases/{caseA}/parties/"+unknownID+"/invitation").notFound("PartyNotFound", ""),
		inv.at("/api/v1/cases/{caseA}/parties/abc/invitation").notFound("PartyIDNotDecimal", ""),
		inv.at("/api/v1/cases/{caseB}/parties/{partyB1}/invitation").notFound("CaseOfAnotherMediator", ""),
		inv.at("/api/v1/cases/"+unknownID+"/parties/{partyA1}/invitation").notFound("CaseNotFound", ""),
	)

	// POST /cases/{case}/submissions, by a party of the case, or by an
	// assigned mediator on a party's behalf.
	subs := badRoute{"Submission", "a1", "POST", "/api/v1/cases/{caseA}/submissions"}
	subBody := jsonObject{{"kind", `"proposal"`}, {"body", jsonText("愿意协商车位的使用时间。")}}
	add(subs.malformed(subBody.String())...)
	add(
		subs.invalid("KindInvalid", subBody.with("kind", `"complaint"`), "kind"),
		subs.invalid("KindMissing", subBody.without("kind"), "kind"),
		subs.invalid("KindWrongType", subBody.with("kind", "0"), "kind"),
		subs.invalid("BodyMissing", subBody.without("body"), "body"),
		subs.invalid("BodyEmpty", subBody.with("body", `""`), "body"),
		subs.invalid("BodyWhitespace", subBody.with("body", jsonText("\n\t 　\r\n")), "body"),
		subs.invalid("BodyTooLong", subBody.with("body", jsonRepeat("字", mediation.MaxSubmissionBody+1)), "body"),
		subs.invalid("BodyTooLongASCII", subBody.with("body", jsonRepeat("a", mediation.MaxSubmissionBody+1)), "body"),
		subs.invalid("BodyNUL", subBody.with("body", jsonText("车位\x00")), "body"),
		subs.invalid("BodyEscape", subBody.with("body", jsonText("\x1b]0;title\x07车位")), "body"),
		subs.invalid("BodyWrongType", subBody.with("body", "1"), "body"),
		subs.invalid("PartyIDOfAnotherParty", subBody.with("party_id", `"{partyA2}"`), "party_id"),
		subs.invalid("PartyIDOfAnotherCase", subBody.with("party_id", `"{partyB1}"`), "party_id"),
		subs.invalid("PartyIDNumber", subBody.with("party_id", "{partyA1}"), "party_id"),
		subs.invalid("SupersedesAnotherParty", subBody.with("supersedes", `"{subA2}"`), "supersedes"),
		subs.invalid("SupersedesAnotherCase", subBody.with("supersedes", `"{subB1}"`), "supersedes"),
		subs.invalid("SupersedesNotFound", subBody.with("supersedes", unknownRaw), "supersedes"),
		subs.invalid("SupersedesNumber", subBody.with("supersedes", "{subA1}"), "supersedes"),
		subs.invalid("SupersedesNotDecimal", subBody.with("supersedes", `"first"`), "supersedes"),
		subs.row("UnknownFieldReleased", subBody.with("released", "true"), http.StatusBadRequest, mediation.EMALFORMED, "released"),
		subs.row("UnknownFieldEnteredBy", subBody.with("entered_by", `"{userWang}"`), http.StatusBadRequest, mediation.EMALFORMED, "entered_by"),
		subs.at("/api/v1/cases/{caseB}/submissions").notFound("CaseOfAnotherParty", subBody.String()),
	)
	medSubs := subs.by("mediator")
	medSubBody := jsonObject{{"party_id", `"{partyA1}"`}, {"kind", `"position"`}, {"body", jsonText("电话中口述：车位是我买的。")}}
	add(
		medSubs.invalid("MediatorPartyIDMissing", medSubBody.without("party_id"), "party_id"),
		medSubs.invalid("MediatorPartyIDEmpty", medSubBody.with("party_id", `""`), "party_id"),
		medSubs.invalid("MediatorPartyIDOfAnotherCase", medSubBody.with("party_id", `"{partyB1}"`), "party_id"),
		medSubs.invalid("MediatorPartyIDNotFound", medSubBody.with("party_id", unknownRaw), "party_id"),
		medSubs.invalid("MediatorPartyIDNotDecimal", medSubBody.with("party_id", `"A1"`), "party_id"),
		medSubs.invalid("MediatorSupersedesAnotherParty", medSubBody.with("supersedes", `"{subA2}"`), "supersedes"),
		medSubs.invalid("MediatorBodyTooLong", medSubBody.with("body", jsonRepeat("字", mediation.MaxSubmissionBody+1)), "body"),
		medSubs.at("/api/v1/cases/{caseOneSided}/submissions").row("MediatorCaseWithdrawn",
			medSubBody.with("party_id", `"{partyOneSided}"`), http.StatusConflict, mediation.ECONFLICT, ""),
		medSubs.at("/api/v1/cases/{caseB}/submissions").notFound("MediatorCaseNotAssigned", medSubBody.with("party_id", `"{partyB1}"`)),
	)

	// POST /cases/{case}/submissions/{submission}/release, by the author party.
	release := badRoute{"Release", "a1", "POST", ""}
	add(
		release.at("/api/v1/cases/{caseA}/submissions/{subA2}/release").notFound("SubmissionOfAnotherParty", ""),
		release.at("/api/v1/cases/{caseA}/submissions/{subB1}/release").notFound("SubmissionOfAnotherCase", ""),
		release.at("/api/v1/cases/{caseB}/submissions/{subA1}/release").notFound("CaseMismatch", ""),
		release.at("/api/v1/cases/{caseA}/submissions/"+unknownID+"/release").notFound("SubmissionNotFound", ""),
		release.at("/api/v1/cases/{caseA}/submissions/first/release").notFound("SubmissionIDNotDecimal", ""),
	)
	add(sessionBadInputs()...)
	add(extensionBadInputs()...)
	add(statsBadInputs()...) // statistics for the street office
	add(partyEditBadInputs()...)
	add(attachmentBadInputs()...)
	add(agreementBadInputs()...)
	// Closing, the mediator's own neutrality and recusals.
	add(closingBadInputs()...)
	return rows
}
