package mediation

// DefaultPlaces is the geography a new installation starts with, until the
// operator configures its own organisation, communities and rooms (a sample:
// its organisation's name, address and phone are placeholders to replace).
func DefaultPlaces() *Places {
	return &Places{
		Organisation: Organisation{Name: "和平街道人民调解委员会", Address: "和平街道和平里东街 11 号 1 层",
			Phone: "010-64212345"},
		Communities: []Community{
			{Code: "heping-li", Name: "和平里社区", Street: "和平街道"},
			{Code: "dongfeng", Name: "东风社区", Street: "和平街道"},
			{Code: "xinhua", Name: "新华社区", Street: "和平街道"},
			{Code: "qingnian-lu", Name: "青年路社区", Street: "青年路街道"},
			{Code: "chaoyang-yuan", Name: "朝阳园社区", Street: "青年路街道"},
		},
		Rooms: []string{"第一调解室", "第二调解室", "社区会议室"},
	}
}
