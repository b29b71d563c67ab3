package main

import (
	"strings"
	"unicode"

	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"

	"tiaojie/internal/casework"
	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// demoCommand fills a fresh database with the sample and exits.
func demoCommand(args []string) error {
	m := NewMain()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	m.Config.bindServeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	m.Config.Demo = true
	if err := m.Config.validate(); err != nil {
		return err
	}
	if err := m.Open(); err != nil {
		m.Close()
		return err
	}
	return m.Close()
}

// demoCase is one sample dispute: the case, its parties and what each said.
type demoCase struct {
	input   mediation.CaseInput
	parties []demoParty
	move    mediation.Status
}

type demoParty struct {
	input       mediation.PartyInput
	submissions []mediation.SubmissionInput
}

var demoCases = []demoCase{
	{
		input: mediation.CaseInput{Title: "和平里社区 3 号楼地下车位被长期占用", Category: mediation.CategoryParking,
			Community: "heping-li", Source: mediation.SourcePartyApplication,
			Summary: "申请人称其购买的 B2-117 车位近两个月被被申请人的车辆占用；被申请人称该车位曾由前业主口头借给他使用。"},
		parties: []demoParty{
			{input: mediation.PartyInput{Name: "赵明", Kind: mediation.PartyPerson, Side: mediation.SideApplicant,
				Phone: "13800138001", Address: "和平里社区 3 号楼 2 单元 501"},
				submissions: []mediation.SubmissionInput{
					{Kind: mediation.SubmissionPosition, Body: "B2-117 车位是我 2024 年买下的，有购买合同和产权证明。对方的车一直停在里面，我每天只能停在路边，还被贴过罚单。"},
					{Kind: mediation.SubmissionProposal, Body: "希望对方本周内把车挪走，并赔偿我这两个月在外面停车的费用，大约 600 元。"},
				}},
			{input: mediation.PartyInput{Name: "钱丽", Kind: mediation.PartyPerson, Side: mediation.SideRespondent,
				Phone: "13900139002", Address: "和平里社区 3 号楼 1 单元 302"},
				submissions: []mediation.SubmissionInput{
					{Kind: mediation.SubmissionPosition, Body: "前业主搬走时说这个车位可以先借给我用，我不知道已经卖了。没有人通知过我。"},
					{Kind: mediation.SubmissionInterests, Body: "我家老人腿脚不便，需要一个离电梯近的车位。我愿意挪车，但希望给我一点时间找别的车位。"},
				}},
		},
		move: mediation.StatusMediating,
	},
	{
		input: mediation.CaseInput{Title: "东风社区 5 栋犬只夜间吠叫", Category: mediation.CategoryPets,
			Community: "dongfeng", Source: mediation.SourceReferredPolice,
			Summary: "派出所接到多次夜间噪音报警后移交。楼下住户反映楼上的狗每晚 11 点后持续吠叫。"},
		parties: []demoParty{
			{input: mediation.PartyInput{Name: "孙强", Kind: mediation.PartyPerson, Side: mediation.SideApplicant,
				Phone: "13700137003", Address: "东风社区 5 栋 401"},
				submissions: []mediation.SubmissionInput{
					{Kind: mediation.SubmissionPosition, Body: "楼上的狗几乎每天夜里都叫一两个小时，我要早上六点上班，已经连续失眠一个月了。"},
				}},
			{input: mediation.PartyInput{Name: "周静一家", Kind: mediation.PartyHousehold, Side: mediation.SideRespondent,
				Phone: "13600136004", Address: "东风社区 5 栋 501"},
				submissions: []mediation.SubmissionInput{
					{Kind: mediation.SubmissionResponse, Body: "狗是去年领养的，白天家里没人它会焦虑。我们已经在联系训犬师，也愿意晚上把它关在远离卧室的房间。"},
				}},
		},
	},
	{
		input: mediation.CaseInput{Title: "新华社区 8 号楼屋顶渗漏维修责任", Category: mediation.CategoryDeveloperOwner,
			Community: "xinhua", Source: mediation.SourceReferredGovernment,
			Summary: "8 号楼顶层多户雨季漏水，业主认为属开发商保修期内的防水工程质量问题，开发商认为是物业维护不当。"},
		parties: []demoParty{
			{input: mediation.PartyInput{Name: "吴海", Kind: mediation.PartyHousehold, Side: mediation.SideApplicant,
				Phone: "13500135005", Address: "新华社区 8 号楼 1801", Represents: "8 号楼全体业主，共 24 户"},
				submissions: []mediation.SubmissionInput{
					{Kind: mediation.SubmissionPosition, Body: "交房不到四年，屋面防水仍在五年保修期内。顶层 6 户天花板发霉，墙面起皮。"},
					{Kind: mediation.SubmissionEvidence, Body: "附：2026 年 7 月漏水照片 36 张、交房验收单、物业报修记录 11 条（纸质材料已交调解员）。"},
				}},
			{input: mediation.PartyInput{Name: "华城置业有限公司", Kind: mediation.PartyOrganization, Side: mediation.SideRespondent,
				Phone: "13300133006", Address: "青年路 88 号"},
				submissions: []mediation.SubmissionInput{
					{Kind: mediation.SubmissionPosition, Body: "屋面曾被业主私自安装太阳能热水器，破坏了防水层，责任不在我公司。"},
				}},
			{input: mediation.PartyInput{Name: "安居物业服务有限公司", Kind: mediation.PartyOrganization, Side: mediation.SideThirdParty,
				Phone: "13200132007", Address: "新华社区服务中心"},
				submissions: []mediation.SubmissionInput{
					{Kind: mediation.SubmissionInterests, Body: "我们愿意配合勘查，提供历次巡检记录，希望尽快明确维修责任，避免冬季结冰损坏更多住户。"},
				}},
		},
		move: mediation.StatusMediating,
	},
}

// seedDemo fills a database that has no cases yet with the sample: two
// mediators, a street-office reader and three disputes, and prints how to
// sign in as each. It goes through the same operations as the server: the
// admin makes the accounts, each case's mediator opens it and adds its
// parties, and each party writes its own submissions.
func seedDemo(cw *casework.Service, db *store.DB, places *mediation.Places, out io.Writer, base string) error {
	if cases, _, err := db.Cases(store.CaseFilter{All: true, Limit: 1}); err != nil {
		return err
	} else if len(cases) > 0 {
		return errors.New("demo: the database already holds cases; use a fresh --db file")
	}
	admin, err := db.UserByName("admin")
	if err != nil {
		return fmt.Errorf("demo: the first admin: %w", err)
	}
	asAdmin := &mediation.Request{Principal: mediation.Principal{UserID: admin.ID, Role: admin.Role}}
	staff := []mediation.UserInput{
		{Username: "wang.fang", DisplayName: "王芳", Role: mediation.RoleMediator},
		{Username: "li.jianguo", DisplayName: "李建国", Role: mediation.RoleMediator},
		{Username: "jiedao", DisplayName: "和平街道办 张伟", Role: mediation.RoleOffice},
	}
	fmt.Fprintf(out, "Demo data created. Open %s/login and sign in as:\n", base)
	var mediators []*mediation.User
	for i := range staff {
		staff[i].Password = rand.Text()
		u, err := cw.CreateUser(asAdmin, mediation.Given(staff[i]))
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if u.Role == mediation.RoleMediator {
			mediators = append(mediators, u)
		}
		fmt.Fprintf(out, "  %s %s password %s\n", pad(demoRoles[u.Role], 24), pad(u.Username, 12), staff[i].Password)
	}
	fmt.Fprintln(out, "Residents open their invitation link (the first entry sets a 6-digit PIN):")
	for i, dc := range demoCases {
		by := mediators[i%len(mediators)]
		asMediator := &mediation.Request{Principal: mediation.Principal{UserID: by.ID, Role: by.Role}}
		v, err := cw.CreateCase(asMediator, mediation.Given(dc.input))
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		cs := v.Record
		fmt.Fprintf(out, "  case %s %s (mediator %s)\n", cs.Reference, cs.Title, by.DisplayName)
		for _, dp := range dc.parties {
			p, token, err := cw.AddParty(asMediator, cs.ID, mediation.Given(dp.input))
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			asParty := &mediation.Request{Principal: mediation.Principal{PartyID: p.ID, CaseID: cs.ID}}
			for _, si := range dp.submissions {
				if _, err := cw.Submit(asParty, cs.ID, mediation.Given(si)); err != nil {
					return fmt.Errorf("demo: %w", err)
				}
			}
			fmt.Fprintf(out, "    %s %s %s/a/%s\n", pad(demoSides[p.Side], 24), pad(p.Name, 24), base, token)
		}
		if dc.move != "" {
			if _, err := cw.Transition(asMediator, cs.ID, mediation.Given(mediation.Transition{To: dc.move})); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	// Statistics for the street office: a year of history.
	return seedHistory(db, places, out)
}

// The demo's roles and sides in words, in both languages.
var (
	demoRoles = map[mediation.Role]string{mediation.RoleMediator: "mediator 调解员",
		mediation.RoleOffice: "street office 街道办", mediation.RoleAdmin: "admin 管理员"}
	demoSides = map[mediation.Side]string{mediation.SideApplicant: "applicant 申请人",
		mediation.SideRespondent: "respondent 被申请人", mediation.SideThirdParty: "third party 第三人"}
)

// pad fills s with spaces to the width of n columns on a terminal, where a
// Chinese character takes two.
func pad(s string, n int) string {
	w := 0
	for _, r := range s {
		w++
		if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) ||
			r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xff60 {
			w++
		}
	}
	if w >= n {
		return s + " "
	}
	return s + strings.Repeat(" ", n-w)
}
