package usp

import (
	"strconv"
	"strings"
)

// Protocol versions (TR-369 §4.1.3 Record.version, §7.5.4 GetSupportedProtocol).
//
// The Agent implements the USP 1.4 message set it serves, including the 1.4
// addition GetSupportedDM.return_unique_key_sets, so it advertises every
// version up to 1.4 (usp.md §1.1). Records it originates carry Version;
// replies carry the requester's version when that is older, so that a 1.3
// Controller never sees a newer version than it spoke (§4.1.3 "graceful
// degradation").
const (
	// Version is stamped on Records the Agent originates.
	Version = "1.4"
	// SupportedVersions is GetSupportedProtocolResp.agent_supported_protocol_versions.
	SupportedVersions = "1.0,1.1,1.2,1.3,1.4"
)

// replyVersion picks the version of a reply to a Record of version v: v
// itself (normalised) for 1.0 … 1.4, ours for a newer 1.x. ok is false for a
// malformed version or another major version.
func replyVersion(v string) (string, bool) {
	major, minor, ok := parseVersion(v)
	if !ok || major != 1 {
		return "", false
	}
	if minor >= 4 {
		return Version, true
	}
	return "1." + strconv.Itoa(minor), true
}

// parseVersion parses "Major.Minor" (decimal, no sign).
func parseVersion(v string) (major, minor int, ok bool) {
	a, b, found := strings.Cut(v, ".")
	if !found {
		return 0, 0, false
	}
	major, err1 := atoi(a)
	minor, err2 := atoi(b)
	return major, minor, err1 && err2
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
