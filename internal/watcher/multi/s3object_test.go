package multi

import (
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/smartstack-go/smartstack/internal/awsconf"
)

// GetObject goes through the real SDK: path-style GET of the key under
// the endpoint override, SigV4-signed for s3 in the region (us-east-1
// when none is configured), S3's XML errors parsed into their types.
func TestGetObjectThroughSDK(t *testing.T) {
	tests := []struct {
		name, region string
		status       int
		want, reason string
		check        func(error) bool
	}{
		{"object default region", "", http.StatusOK, "primary: 100\n", "", nil},
		{"object configured region", "eu-west-1", http.StatusOK, "primary: 100\n", "", nil},
		{"no such key", "", http.StatusNotFound, "", reasonS3, func(err error) bool {
			var nsk *types.NoSuchKey
			return errors.As(err, &nsk)
		}},
		{"access denied", "", http.StatusForbidden, "", reasonS3, func(err error) bool {
			var ae smithy.APIError
			return errors.As(err, &ae) && ae.ErrorCode() == "AccessDenied"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeS3(t, "primary: 100\n")
			f.set(tc.status, tc.want)
			keys := awsconf.Keys{AWSRegion: tc.region, AWSAccessKeyID: "AKIDEXAMPLE", AWSSecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
			c, err := newS3Client(t.Context(), keys)
			if err != nil {
				t.Fatal(err)
			}
			got, err := getObject(t.Context(), c, "config_bucket", "path1/path2")
			var fe *fetchError
			switch {
			case tc.check == nil && (err != nil || string(got) != tc.want):
				t.Fatalf("getObject = %q, %v; want %q", got, err, tc.want)
			case tc.check != nil && (!tc.check(err) || !errors.As(err, &fe) || fe.reason != tc.reason):
				t.Fatalf("getObject error %v (%T), want %s", err, err, tc.name)
			case tc.check != nil && !strings.Contains(err.Error(), "s3://config_bucket/path1/path2"):
				t.Fatalf("error %q does not name the object", err)
			}
			region := tc.region
			if region == "" {
				region = defaultS3Region
			}
			r := f.requests()[0]
			auth := r.Header.Get("Authorization")
			if r.Method != http.MethodGet || r.URL.Path != "/config_bucket/path1/path2" ||
				!strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") ||
				!strings.Contains(auth, "/"+region+"/s3/aws4_request") || r.Header.Get("X-Amz-Content-Sha256") == "" {
				t.Fatalf("request %s %s Authorization %q, want a path-style GET signed for %s/s3", r.Method, r.URL.Path, auth, region)
			}
		})
	}
}

func TestParseWeights(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // name=weight, in order
		reason     string
	}{
		{"ordered", "---\nsecondary: 25\nprimary: 75\n", "secondary=25 primary=75", ""},
		{"json", `{"primary": 0, "secondary": 100}`, "primary=0 secondary=100", ""},
		{"empty mapping", "{}", "", ""},
		{"repeated key keeps its place", "a: 1\nb: 2\na: 3\n", "a=3 b=2", ""},
		{"alias", "w: &w 5\nx: *w\n", "w=5 x=5", ""},
		{"empty file", "", "", reasonSchema},
		{"list", "- primary\n", "", reasonSchema},
		{"scalar", "primary", "", reasonSchema},
		{"string weight", "primary: '100'\n", "", reasonSchema},
		{"float weight", "primary: 1.5\n", "", reasonSchema},
		{"negative weight", "primary: -1\n", "", reasonSchema},
		{"null weight", "primary:\n", "", reasonSchema},
		{"integer name", "1: 100\n", "", reasonSchema},
		{"syntax error", "primary: [\n", "", reasonParse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := parseWeights([]byte(tc.body))
			var fe *fetchError
			if tc.reason != "" {
				if !errors.As(err, &fe) || fe.reason != tc.reason {
					t.Fatalf("err = %v, want reason %s", err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range ws {
				got = append(got, w.name+"="+strconv.FormatInt(w.w, 10))
			}
			if strings.Join(got, " ") != tc.want {
				t.Fatalf("weights %v, want %s", got, tc.want)
			}
		})
	}
}

// The weighted draw.
func TestPickWeighted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(ws []weight, n int) map[string]int {
		counts := map[string]int{}
		for range n {
			counts[pickWeighted(ws, rng.Int64N)]++
		}
		return counts
	}
	if c := draw([]weight{{"primary", 100}, {"secondary", 0}}, 50); c["primary"] != 50 {
		t.Errorf("100/0 drew %v", c)
	}
	for _, ws := range [][]weight{nil, {}, {{"primary", 0}, {"secondary", 0}}, {{"a", math.MaxInt64}, {"b", 1}}} {
		if p := pickWeighted(ws, rng.Int64N); p != "" {
			t.Errorf("%v picked %q, want nothing", ws, p)
		}
	}
	for _, ws := range [][]weight{{{"primary", 25}, {"secondary", 75}}, {{"primary", 50}, {"secondary", 100}}} {
		if c := draw(ws, 101); c["primary"] == 0 || c["secondary"] <= c["primary"] {
			t.Errorf("%v over 101 draws: %v, want both, secondary more often", ws, c)
		}
	}
	if c := draw([]weight{{"primary", 50}, {"secondary", 50}}, 2000); c["primary"]-c["secondary"] > 200 || c["secondary"]-c["primary"] > 200 {
		t.Errorf("50/50 over 2000 draws: %v", c)
	}
	// The walk goes in object order: r < first weight picks the first.
	if p := pickWeighted([]weight{{"b", 1}, {"a", 1}}, func(int64) int64 { return 0 }); p != "b" {
		t.Errorf("r=0 picked %q, want the first entry b", p)
	}
}

// Identical weights draw once; changed weights (order
// aside) draw again; weights that pick nothing keep the pick.
func TestToggleApply(t *testing.T) {
	draws := 0
	randN := func(n int64) int64 { draws++; return n - 1 }
	var tg toggle
	steps := []struct {
		ws    []weight
		drew  bool
		pick  string
		draws int
	}{
		{[]weight{{"primary", 1}, {"secondary", 1}}, true, "secondary", 1},
		{[]weight{{"primary", 1}, {"secondary", 1}}, false, "secondary", 1},
		{[]weight{{"secondary", 1}, {"primary", 1}}, false, "secondary", 1},
		{[]weight{{"primary", 0}, {"secondary", 0}}, false, "secondary", 1},
		{nil, false, "secondary", 1},
		{[]weight{{"primary", 3}, {"secondary", 0}}, true, "primary", 2},
	}
	for i, st := range steps {
		if drew := tg.apply(st.ws, randN); drew != st.drew || tg.pick != st.pick || draws != st.draws {
			t.Fatalf("step %d: drew %v pick %q draws %d, want %v %q %d", i, drew, tg.pick, draws, st.drew, st.pick, st.draws)
		}
	}
}
