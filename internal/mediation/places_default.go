package mediation

// DefaultPlaces is the geography a new installation starts with, until the
// operator configures its own communities and rooms.
func DefaultPlaces() *Places {
	return &Places{
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
