package web_test

import (
	"net/http"
	"time"

	"tiaojie/internal/mediation"
)

// sessionTimes are the placeholders of the session rows: a free hour, the
// hour of {sessA} (busy), an hour of yesterday, and the like.
func sessionTimes() []string {
	free, freeEnd := slot(3, 2)
	busy, busyEnd := slot(2, 2)
	busy2, busy2End := slot(2, 4)
	be, _ := time.Parse(time.RFC3339, busyEnd)
	past, pastEnd := slot(-1, 2)
	start, _ := time.Parse(time.RFC3339, free)
	return []string{"{free.start}", free, "{free.end}", freeEnd, "{busy.start}", busy, "{busy.end}", busyEnd,
		"{busy2.start}", busy2, "{busy2.end}", busy2End, "{busy.end-1m}", be.Add(-time.Minute).Format(time.RFC3339),
		"{past.start}", past, "{past.end}", pastEnd,
		"{free.end9h}", start.Add(9 * time.Hour).Format(time.RFC3339),
		"{free.naive}", start.Format("2006-01-02T15:04:05")}
}

func sessionBadInputs() []badInputCase {
	var rows []badInputCase
	add := func(cs ...badInputCase) { rows = append(rows, cs...) }

	// POST /cases/{case}/sessions, by the case's mediator.
	book := badRoute{"ScheduleSession", "mediator", "POST", "/api/v1/cases/{caseA}/sessions"}
	body := jsonObject{{"kind", `"joint"`}, {"starts_at", `"{free.start}"`}, {"ends_at", `"{free.end}"`},
		{"location", jsonText("3号楼院子")}}
	timed := func(start, end string) string {
		return jsonObject{{"kind", `"joint"`}, {"starts_at", `"` + start + `"`}, {"ends_at", `"` + end + `"`},
			{"location", jsonText("3号楼院子")}}.String()
	}
	caucus := body.drop("kind")
	caucus = append(caucus, [2]string{"kind", `"caucus"`})
	add(book.malformed(body.String())...)
	add(
		book.invalid("KindUnknown", body.with("kind", `"lunch"`), "kind"),
		book.invalid("KindMissing", body.without("kind"), "kind"),
		book.invalid("KindWrongType", body.with("kind", "1"), "kind"),
		book.invalid("CaucusWithoutParty", caucus.String(), "party_id"),
		book.invalid("CaucusWithPartyOfAnotherCase", caucus.with("party_id", `"{partyB1}"`), "party_id"),
		book.invalid("CaucusWithUnknownParty", caucus.with("party_id", `"999999"`), "party_id"),
		book.invalid("JointNamingAParty", body.with("party_id", `"{partyA1}"`), "party_id"),
		book.invalid("TimesReversed", timed("{free.end}", "{free.start}"), "ends_at"),
		book.invalid("NoLength", body.with("ends_at", `"{free.start}"`), "ends_at"),
		book.invalid("LongerThanEightHours", body.with("ends_at", `"{free.end9h}"`), "ends_at"),
		book.invalid("StartsInThePast", timed("{past.start}", "{past.end}"), "starts_at"),
		book.invalid("NoOffset", body.with("starts_at", `"{free.naive}"`), "starts_at"),
		book.invalid("NotATime", body.with("starts_at", jsonText("明天上午")), "starts_at"),
		book.invalid("Year9999", body.with("starts_at", `"9999-01-01T10:00:00+08:00"`), "starts_at"),
		book.invalid("Year1970", body.with("starts_at", `"1970-01-01T10:00:00+08:00"`), "starts_at"),
		book.invalid("StartMissing", body.without("starts_at"), "starts_at"),
		book.invalid("StartWrongType", body.with("starts_at", "1764554400"), "starts_at"),
		book.invalid("LocationMissing", body.without("location"), "location"),
		book.invalid("LocationWhitespace", body.with("location", jsonText(" 　")), "location"),
		book.invalid("LocationTooLong", body.with("location", jsonRepeat("院", 101)), "location"),
		book.invalid("LocationNewline", body.with("location", jsonText("3号楼\n院子")), "location"),
		book.invalid("MediatorOfAnotherCase", body.with("mediator_ids", `["{userLi}"]`), "mediator_ids"),
		book.invalid("MediatorOffice", body.with("mediator_ids", `["{userOffice}"]`), "mediator_ids"),
		book.invalid("MediatorIDsNotAList", body.with("mediator_ids", `"{userWang}"`), "mediator_ids"),
		book.invalid("StatusCancelled", body.with("status", `"cancelled"`), "status"),
		book.invalid("StatusUnknown", body.with("status", `"done"`), "status"),
		book.row("Overlapping", timed("{busy.start}", "{busy.end}"), http.StatusConflict, mediation.ECONFLICT, "mediator_ids"),
		book.row("OverlappingByAMinute", timed("{busy.end-1m}", "{busy2.start}"), http.StatusConflict, mediation.ECONFLICT, "mediator_ids"),
		book.row("UnknownFieldID", body.with("id", `"1"`), http.StatusBadRequest, mediation.EMALFORMED, "id"),
		book.row("UnknownFieldRoom", body.with("room", "true"), http.StatusBadRequest, mediation.EMALFORMED, "room"),
		book.at("/api/v1/cases/{caseEmpty}/sessions").row("CaseWithdrawn", body.String(), http.StatusConflict, mediation.ECONFLICT, ""),
		book.at("/api/v1/cases/{caseB}/sessions").notFound("CaseNotAssigned", body.String()),
	)

	// PATCH /cases/{case}/sessions/{session}, by the case's mediator.
	change := badRoute{"ChangeSession", "mediator", "PATCH", "/api/v1/cases/{caseA}/sessions/{sessA}"}
	add(change.malformed(`{"location":"3号楼院子"}`)...)
	add(
		change.invalid("StatusUnknown", `{"status":"done"}`, "status"),
		change.invalid("HeldBeforeItStarts", `{"status":"held"}`, "starts_at"),
		change.invalid("CancelledWithoutReason", `{"status":"cancelled"}`, "reason"),
		change.invalid("PostponedWithBlankReason", `{"status":"postponed","reason":"  "}`, "reason"),
		change.invalid("ReasonTooLong", `{"status":"postponed","reason":`+jsonRepeat("病", 1001)+`}`, "reason"),
		change.invalid("TimesReversed", `{"starts_at":"{free.end}","ends_at":"{free.start}"}`, "ends_at"),
		change.invalid("MovedIntoThePast", `{"starts_at":"{past.start}","ends_at":"{past.end}"}`, "starts_at"),
		change.invalid("LocationEmpty", `{"location":""}`, "location"),
		change.row("CancelledAndMoved", `{"status":"cancelled","reason":"x","starts_at":"{free.start}"}`,
			http.StatusConflict, mediation.ECONFLICT, ""),
		change.row("MovedOntoAnotherSession", `{"starts_at":"{busy2.start}","ends_at":"{busy2.end}"}`,
			http.StatusConflict, mediation.ECONFLICT, "mediator_ids"),
		change.row("UnknownFieldKind", `{"kind":"caucus"}`, http.StatusBadRequest, mediation.EMALFORMED, "kind"),
		change.at("/api/v1/cases/{caseA}/sessions/999999").notFound("SessionNotFound", `{"location":"3号楼院子"}`),
		change.at("/api/v1/cases/{caseB}/sessions/{sessA}").notFound("CaseMismatch", `{"location":"3号楼院子"}`),
	)

	// PUT /cases/{case}/sessions/{session}/record, by the case's mediator.
	rec := badRoute{"WriteRecord", "mediator", "PUT", "/api/v1/cases/{caseA}/sessions/{heldA}/record"}
	recBody := jsonObject{{"attendance", `{"{partyA1}":true,"{partyA2}":false}`}, {"notes", jsonText("双方陈述了意见。")}}
	add(rec.malformed(recBody.String())...)
	add(
		rec.invalid("AttendanceMissingAParty", recBody.with("attendance", `{"{partyA1}":true}`), "attendance"),
		rec.invalid("AttendanceOfAnotherCase", recBody.with("attendance", `{"{partyA1}":true,"{partyA2}":false,"{partyB1}":true}`), "attendance"),
		rec.invalid("AttendanceNotDecimal", recBody.with("attendance", `{"0{partyA1}":true,"{partyA2}":false}`), "attendance"),
		rec.invalid("AttendanceNotBool", recBody.with("attendance", `{"{partyA1}":"yes","{partyA2}":false}`), "attendance"),
		rec.invalid("AttendanceMissing", recBody.without("attendance"), "attendance"),
		rec.invalid("NothingWritten", recBody.with("notes", jsonText("  ")), "notes"),
		rec.invalid("NotesTooLong", recBody.with("notes", jsonRepeat("谈", mediation.MaxRecordNotes+1)), "notes"),
		rec.invalid("NotesNUL", recBody.with("notes", jsonText("谈\x00")), "notes"),
		rec.invalid("OutcomeTooLong", recBody.with("outcome", jsonRepeat("谈", mediation.MaxRecordText+1)), "outcome"),
		rec.row("UnknownFieldVersion", recBody.with("version", "2"), http.StatusBadRequest, mediation.EMALFORMED, "version"),
		rec.at("/api/v1/cases/{caseA}/sessions/{sessA}/record").row("SessionNotHeld", recBody.String(),
			http.StatusConflict, mediation.ECONFLICT, ""),
		rec.at("/api/v1/cases/{caseB}/sessions/{heldA}/record").notFound("CaseMismatch", recBody.String()),
	)
	return rows
}
