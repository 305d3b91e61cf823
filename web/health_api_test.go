package web

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"desk"
	"desk/postgres/pgtest"
)

const stan = "stan@vendor.example" // status manager

// onEachStore runs a test on a seeded SQLite store and, when
// SUPPORTDESK_TEST_POSTGRES is set, on a seeded PostgreSQL store.
func onEachStore(t *testing.T, test func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { test(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, newEnvOn(t, pgtest.Open(t))) })
}

// demoIncident returns the id of the demo incident with the given title.
func (e *env) demoIncident(title string) int64 {
	e.t.Helper()
	all, err := e.db.Incidents(e.ctx, time.Time{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, inc := range all {
		if inc.Title == title {
			return inc.ID
		}
	}
	e.t.Fatalf("no demo incident %q", title)
	return 0
}

func incidentPath(id int64, rest ...string) string {
	return fmt.Sprintf("/api/v1/incidents/%d", id) + strings.Join(rest, "")
}

const graphBase = "/api/v1/admin/serviceAnnouncement"

func issuePath(id int64, rest ...string) string {
	return fmt.Sprintf("%s/issues/%d", graphBase, id) + strings.Join(rest, "")
}

type incidentBody struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Status    string     `json:"status"`
	Public    bool       `json:"public"`
	OrgIDs    []int64    `json:"org_ids"`
	Report    string     `json:"report"`
	EndedAt   *time.Time `json:"ended_at"`
	CreatedBy int64      `json:"created_by"`
	Version   int        `json:"version"`
	Posts     []struct {
		Status   string `json:"status"`
		Body     string `json:"body"`
		AuthorID int64  `json:"author_id"`
	} `json:"posts"`
}

type graphOverview struct {
	ID      string        `json:"id"`
	Service string        `json:"service"`
	Status  string        `json:"status"`
	Issues  *[]graphIssue `json:"issues"`
}

type graphList[T any] struct {
	Value []T `json:"value"`
}

func issueIDs(issues []graphIssue) []string {
	var ids []string
	for _, i := range issues {
		ids = append(ids, i.ID)
	}
	return ids
}

// TestStatusManagerAPI: a status manager adds a service, publishes an
// incident, follows it up to its end and publishes the report; what they
// send wrong comes back naming the field.
func TestStatusManagerAPI(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		var comp desk.Component
		e.send(request{Method: "PUT", Path: "/api/v1/components/mail-search", As: stan,
			Body: map[string]any{"name": "Search", "parent": "mail", "position": 4}}).ok(t, http.StatusOK, &comp)
		if comp.Code != "mail-search" || comp.Parent != "mail" || comp.Name != "Search" {
			t.Fatalf("component = %+v", comp)
		}
		var comps list[desk.Component]
		e.get(stan, "/api/v1/components").ok(t, http.StatusOK, &comps)
		if !slices.ContainsFunc(comps.Items, func(c desk.Component) bool { return c.Code == "mail-search" && c.Name == "Search" }) {
			t.Fatalf("new component not listed: %+v", comps.Items)
		}
		// Renaming is a PUT of the same code.
		e.send(request{Method: "PUT", Path: "/api/v1/components/mail-search", As: stan,
			Body: map[string]any{"name": "Search and filters", "parent": "mail"}}).ok(t, http.StatusOK, &comp)
		e.get(stan, "/api/v1/components").ok(t, http.StatusOK, &comps)
		if n := len(slices.DeleteFunc(comps.Items, func(c desk.Component) bool { return c.Code != "mail-search" })); n != 1 || comps.Items[0].Name != "Search and filters" {
			t.Fatalf("after the rename: %+v", comps.Items)
		}

		res := e.post(stan, "/api/v1/incidents", map[string]any{
			"title": "Search finds nothing", "impact": "major", "public": true,
			"affected": []map[string]any{{"component": "mail-search", "status": "partial_outage"}},
			"body":     "Searching mail returns no results.",
		})
		var inc incidentBody
		res.ok(t, http.StatusCreated, &inc)
		if inc.ID == 0 || inc.Status != "investigating" || inc.Kind != "incident" || len(inc.Posts) != 1 || inc.Version != 1 {
			t.Fatalf("created = %s", res.Body)
		}
		if loc := res.Header.Get("Location"); loc != incidentPath(inc.ID) {
			t.Fatalf("Location = %q", loc)
		}
		// Customers see it too, since it is public.
		e.get(carl, incidentPath(inc.ID)).ok(t, http.StatusOK, nil)

		e.post(stan, incidentPath(inc.ID, "/report"), map[string]any{"report": "x"}).problem(t, 405, "method_not_allowed")
		e.send(request{Method: "PUT", Path: incidentPath(inc.ID, "/report"), As: stan, Body: map[string]any{"report": "Too early."}}).
			problem(t, 422, "incident_not_ended")

		e.post(stan, incidentPath(inc.ID, "/posts"), map[string]any{"status": "identified", "body": "An index is corrupt; we are rebuilding it."}).
			ok(t, http.StatusCreated, &inc)
		if inc.Status != "identified" || len(inc.Posts) != 2 || inc.EndedAt != nil {
			t.Fatalf("after the update: %+v", inc)
		}
		e.post(stan, incidentPath(inc.ID, "/posts"), map[string]any{"status": "service_restored", "body": "Search works again."}).
			ok(t, http.StatusCreated, &inc)
		if inc.Status != "service_restored" || inc.EndedAt == nil {
			t.Fatalf("after the end: %+v", inc)
		}
		e.send(request{Method: "PUT", Path: incidentPath(inc.ID, "/report"), As: stan,
			Body: map[string]any{"report": "## What happened\n\nAn index was corrupt."}}).ok(t, http.StatusOK, &inc)
		if inc.Status != "post_incident_report_published" || !strings.Contains(inc.Report, "What happened") {
			t.Fatalf("after the report: %+v", inc)
		}
		var got incidentBody
		e.get(stan, incidentPath(inc.ID)).ok(t, http.StatusOK, &got)
		if got.Version != inc.Version || len(got.Posts) != 3 || got.Report != inc.Report {
			t.Fatalf("stored = %+v", got)
		}

		valid := func(extra map[string]any) map[string]any {
			m := map[string]any{"title": "Slow", "public": true, "body": "Slow.",
				"affected": []map[string]any{{"component": "mail"}}}
			for k, v := range extra {
				m[k] = v
			}
			return m
		}
		for _, tc := range []struct {
			path, method string
			body         any
			status       int
			code, field  string
		}{
			{"/api/v1/incidents", "POST", valid(map[string]any{"title": " "}), 422, "title_required", "title"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"kind": "rumour"}), 400, "invalid_kind", "kind"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"status": "panicking"}), 400, "invalid_status", "status"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"impact": "cosmic"}), 400, "invalid_impact", "impact"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"affected": []map[string]any{{"component": "nope"}}}), 422, "unknown_component", "affected"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"affected": []any{}}), 422, "affected_required", "affected"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"public": false}), 422, "orgs_required", "org_ids"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"public": false, "org_ids": []int64{999999}}), 422, "unknown_org", "org_ids"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"kind": "maintenance"}), 422, "scheduled_end_required", "scheduled_end"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"version": 7}), 400, "unknown_field", "version"},
			{"/api/v1/incidents", "POST", valid(map[string]any{"started_at": "yesterday"}), 400, "malformed_json", ""},
			{incidentPath(inc.ID, "/posts"), "POST", map[string]any{"body": ""}, 422, "body_required", "body"},
			{incidentPath(inc.ID, "/posts"), "POST", map[string]any{"body": "x", "status": "scheduled"}, 400, "invalid_status", "status"},
			{incidentPath(999999, "/posts"), "POST", map[string]any{"body": "x"}, 404, "incident_not_found", ""},
			{incidentPath(inc.ID, "/report"), "PUT", map[string]any{"report": ""}, 422, "report_required", "report"},
			{"/api/v1/components/Bad Code", "PUT", map[string]any{"name": "x"}, 400, "invalid_code", "code"},
			{"/api/v1/components/x", "PUT", map[string]any{"name": "x", "code": "y"}, 400, "code_mismatch", "code"},
			{"/api/v1/components/x", "PUT", map[string]any{"name": ""}, 422, "name_required", "name"},
			{"/api/v1/components/x", "PUT", map[string]any{"name": "X", "parent": "mail-web"}, 422, "invalid_parent", "parent"},
		} {
			p := e.send(request{Method: tc.method, Path: tc.path, As: stan, Body: tc.body}).problem(t, tc.status, tc.code)
			if p.Field != tc.field {
				t.Errorf("%s %s %v: field %q, want %q", tc.method, tc.path, tc.body, p.Field, tc.field)
			}
		}
	})
}

// TestIncidentIfMatch: a status manager's change may name the version it
// was written against; a change another status manager made in between
// turns it into 412 and nothing is stored, so that two people posting at
// once do not silently write over each other.
func TestIncidentIfMatch(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		var inc incidentBody
		e.post(stan, "/api/v1/incidents", map[string]any{
			"title": "Slow sign-in", "impact": "minor", "public": true,
			"affected": []map[string]any{{"component": "mail"}}, "body": "Sign-in takes a minute.",
		}).ok(t, http.StatusCreated, &inc)
		res := e.get(stan, incidentPath(inc.ID))
		res.ok(t, http.StatusOK, nil)
		etag := res.Header.Get("ETag")
		if etag != `"1"` {
			t.Fatalf("ETag = %q, want \"1\"", etag)
		}
		post := func(ifMatch, body string) *result {
			return e.send(request{Method: "POST", Path: incidentPath(inc.ID, "/posts"), As: stan,
				Header: map[string]string{"If-Match": ifMatch}, Body: map[string]any{"status": "identified", "body": body}})
		}
		res = post(etag, "A certificate expired.")
		res.ok(t, http.StatusCreated, &inc)
		if got := res.Header.Get("ETag"); got != `"2"` || inc.Version != 2 {
			t.Fatalf("after the first post: ETag %q, version %d", got, inc.Version)
		}
		// The second status manager still holds version 1.
		post(etag, "Looking into it.").problem(t, http.StatusPreconditionFailed, "version_mismatch")
		post("2", "Unquoted.").problem(t, http.StatusBadRequest, "invalid_if_match")
		e.send(request{Method: "PUT", Path: incidentPath(inc.ID, "/report"), As: stan, Header: map[string]string{"If-Match": etag},
			Body: map[string]any{"report": "Too early anyway."}}).problem(t, http.StatusPreconditionFailed, "version_mismatch")
		var got incidentBody
		e.get(stan, incidentPath(inc.ID)).ok(t, http.StatusOK, &got)
		if got.Version != 2 || len(got.Posts) != 2 {
			t.Fatalf("a refused post was stored: version %d, %d posts", got.Version, len(got.Posts))
		}
		// Without If-Match the post goes through as before.
		e.post(stan, incidentPath(inc.ID, "/posts"), map[string]any{"body": "Still on it."}).ok(t, http.StatusCreated, &got)
		if got.Version != 3 {
			t.Fatalf("version after a post without If-Match: %d", got.Version)
		}
	})
}

// TestStatusManagerAPIRoles: only status managers (and the supervisors
// and system admins who stand in for them) publish; everyone else is
// refused before what they sent is read, and nothing changes.
func TestStatusManagerAPIRoles(t *testing.T) {
	e := newEnv(t)
	id := e.demoIncident("Calls drop after a few minutes")
	before, err := e.db.Incident(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, as := range []string{carl, ada, uma, bill, agent} {
		for _, rq := range []request{
			{Method: "GET", Path: "/api/v1/components"},
			{Method: "PUT", Path: "/api/v1/components/mail", Body: map[string]any{"name": "Hacked"}},
			{Method: "PUT", Path: "/api/v1/components/mail", Body: map[string]any{"bogus": true}},
			{Method: "POST", Path: "/api/v1/incidents", Body: map[string]any{"title": "Fake", "public": true, "body": "x", "affected": []map[string]any{{"component": "mail"}}}},
			{Method: "POST", Path: "/api/v1/incidents", Body: `{"title":`},
			{Method: "POST", Path: incidentPath(id, "/posts"), Body: map[string]any{"status": "service_restored", "body": "all fine"}},
			{Method: "PUT", Path: incidentPath(id, "/report"), Body: map[string]any{"report": "nothing"}},
		} {
			rq.As = as
			e.send(rq).problem(t, 403, "status_manager_only")
		}
	}
	e.post("", "/api/v1/incidents", map[string]any{}).problem(t, 401, "token_required")
	after, err := e.db.Incident(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version || len(after.Posts) != len(before.Posts) {
		t.Fatalf("refused calls changed the incident: version %d → %d", before.Version, after.Version)
	}
	comps, _ := e.db.Components(e.ctx)
	if i := slices.IndexFunc(comps, func(c *desk.Component) bool { return c.Code == "mail" }); comps[i].Name != "Mail" {
		t.Fatalf("refused call renamed mail to %q", comps[i].Name)
	}
	// A supervisor may stand in for the status manager.
	e.send(request{Method: "PUT", Path: "/api/v1/components/status-page", As: sam, Body: map[string]any{"name": "Status page"}}).ok(t, http.StatusOK, nil)
}

// TestIncidentsAPIScope: customers read public incidents and those limited
// to their own organisation; another organisation's limited incident is
// not found, exactly like an id that never existed, and a limited incident
// names no other organisation to them.
func TestIncidentsAPIScope(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		contoso, fabrikam := e.user(carl).OrgID, e.user(ada).OrgID
		var both, conOnly incidentBody
		e.post(stan, "/api/v1/incidents", map[string]any{"title": "Mail to both", "public": false, "org_ids": []int64{contoso, fabrikam},
			"affected": []map[string]any{{"component": "mail-web"}}, "body": "Both."}).ok(t, http.StatusCreated, &both)
		e.post(stan, "/api/v1/incidents", map[string]any{"title": "Contoso drive links", "public": false, "org_ids": []int64{contoso},
			"affected": []map[string]any{{"component": "drive-sharing", "status": "major_outage"}}, "body": "Contoso only."}).ok(t, http.StatusCreated, &conOnly)
		fabOnly := e.demoIncident("Mail to one partner domain bounces")

		titles := func(as string) map[int64]incidentBody {
			var l list[incidentBody]
			e.get(as, "/api/v1/incidents").ok(t, http.StatusOK, &l)
			out := map[int64]incidentBody{}
			for _, i := range l.Items {
				out[i.ID] = i
			}
			return out
		}
		con, fab, staff := titles(carl), titles(ada), titles(agent)
		if _, ok := con[fabOnly]; ok {
			t.Errorf("Contoso lists Fabrikam's incident")
		}
		if _, ok := fab[conOnly.ID]; ok {
			t.Errorf("Fabrikam lists Contoso's incident")
		}
		for _, id := range []int64{fabOnly, conOnly.ID, both.ID} {
			if _, ok := staff[id]; !ok {
				t.Errorf("staff do not list incident %d", id)
			}
		}
		if got := con[both.ID]; got.ID == 0 || got.CreatedBy != 0 || got.Posts[0].AuthorID != 0 {
			t.Errorf("Contoso's view of the shared incident = %+v", got)
		}
		// The shared incident names only the reader's own organisation.
		var one map[string]any
		e.get(carl, incidentPath(both.ID)).ok(t, http.StatusOK, &one)
		if ids, _ := one["org_ids"].([]any); len(ids) != 1 || ids[0] != float64(contoso) {
			t.Errorf("Contoso sees org_ids %v", one["org_ids"])
		}
		e.get(agent, incidentPath(both.ID)).ok(t, http.StatusOK, &one)
		if ids, _ := one["org_ids"].([]any); len(ids) != 2 {
			t.Errorf("staff see org_ids %v", one["org_ids"])
		}

		hidden := e.get(ada, incidentPath(conOnly.ID))
		hidden.problem(t, 404, "incident_not_found")
		missing := e.get(ada, incidentPath(conOnly.ID+1000))
		missing.problem(t, 404, "incident_not_found")
		if string(hidden.Body) != string(missing.Body) {
			t.Errorf("hidden incident answers %s, a missing one %s", hidden.Body, missing.Body)
		}
		e.get(carl, incidentPath(fabOnly)).problem(t, 404, "incident_not_found")
		e.get(uma, incidentPath(conOnly.ID)).ok(t, http.StatusOK, nil)
		e.get(tess, incidentPath(conOnly.ID)).problem(t, 404, "incident_not_found")
		e.get(carl, "/api/v1/incidents/abc").problem(t, 404, "incident_not_found")

		// ?since= narrows the history to what is going on or ended since.
		var recent list[incidentBody]
		e.get(carl, "/api/v1/incidents?since="+time.Now().Add(-24*time.Hour).UTC().Format(time.RFC3339)).ok(t, http.StatusOK, &recent)
		for _, i := range recent.Items {
			if i.Title == "Some users cannot sign in" {
				t.Errorf("an incident that ended 71 days ago is listed since yesterday")
			}
		}
		if _, ok := con[e.demoIncident("Some users cannot sign in")]; !ok {
			t.Errorf("the default history misses an incident of 71 days ago")
		}
		e.get(carl, "/api/v1/incidents?since=yesterday").problem(t, 400, "invalid_since")
	})
}

// TestServiceHealthGraphAPI: an organisation's admins read the health of
// the services they subscribe to in Microsoft Graph's shape.
func TestServiceHealthGraphAPI(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		var con, fab graphList[graphOverview]
		e.get(carl, graphBase+"/healthOverviews").ok(t, http.StatusOK, &con)
		e.get(ada, graphBase+"/healthOverviews").ok(t, http.StatusOK, &fab)
		status := func(l graphList[graphOverview]) map[string]string {
			m := map[string]string{}
			for _, o := range l.Value {
				m[o.ID] = o.Status
				if o.Issues != nil {
					t.Errorf("issues without $expand: %+v", o)
				}
			}
			return m
		}
		// Contoso uses Mail and Drive; the advisory on the mobile apps
		// degrades Mail for everyone, Fabrikam's limited outage only for
		// Fabrikam.
		if got, want := status(con), map[string]string{"mail": "serviceDegradation", "drive": "serviceOperational", "admin": "serviceOperational"}; !maps.Equal(got, want) {
			t.Errorf("Contoso's overviews = %v, want %v", got, want)
		}
		if got, want := status(fab), map[string]string{"mail": "serviceInterruption", "calendar": "serviceOperational", "drive": "serviceOperational", "admin": "serviceOperational"}; !maps.Equal(got, want) {
			t.Errorf("Fabrikam's overviews = %v, want %v", got, want)
		}
		if con.Value[0].Service != "Mail" {
			t.Errorf("first service = %+v", con.Value[0])
		}

		// One service by name or id; others' and unknown services are not
		// found.
		var mail graphOverview
		e.get(carl, graphBase+"/healthOverviews/Mail?$expand=issues").ok(t, http.StatusOK, &mail)
		if mail.ID != "mail" || mail.Issues == nil {
			t.Fatalf("Mail = %+v", mail)
		}
		fabOnly := fmt.Sprint(e.demoIncident("Mail to one partner domain bounces"))
		delivery := fmt.Sprint(e.demoIncident("Mail delivery to external domains delayed"))
		advisory := fmt.Sprint(e.demoIncident("Older mobile apps will stop syncing on 1 February"))
		if ids := issueIDs(*mail.Issues); !slices.Contains(ids, delivery) || !slices.Contains(ids, advisory) || slices.Contains(ids, fabOnly) {
			t.Errorf("Contoso's Mail issues = %v", ids)
		}
		e.get(ada, graphBase+"/healthOverviews/mail?$expand=issues").ok(t, http.StatusOK, &mail)
		if ids := issueIDs(*mail.Issues); !slices.Contains(ids, fabOnly) {
			t.Errorf("Fabrikam's Mail issues = %v", ids)
		}
		e.get(carl, graphBase+"/healthOverviews/chat").problem(t, 404, "service_not_found")
		e.get(carl, graphBase+"/healthOverviews/Calendar").problem(t, 404, "service_not_found")
		e.get(carl, graphBase+"/healthOverviews/nothing").problem(t, 404, "service_not_found")
		e.get(agent, graphBase+"/healthOverviews/chat").ok(t, http.StatusOK, nil)
		e.get(carl, graphBase+"/healthOverviews?$expand=posts").problem(t, 400, "invalid_expand")
		e.get(carl, graphBase+"/issues?$filter=isResolved%20eq%20false").problem(t, 400, "unsupported_query_option")

		var expanded graphList[graphOverview]
		e.get(carl, graphBase+"/healthOverviews?$expand=issues").ok(t, http.StatusOK, &expanded)
		for _, o := range expanded.Value {
			if o.Issues == nil {
				t.Errorf("%s has no issues array with $expand=issues", o.ID)
			}
		}

		// Issues: resolved ones with their posts, the advisory, announced
		// maintenance; nothing of services Contoso does not use.
		var issues graphList[graphIssue]
		e.get(carl, graphBase+"/issues").ok(t, http.StatusOK, &issues)
		byTitle := map[string]graphIssue{}
		for _, i := range issues.Value {
			byTitle[i.Title] = i
		}
		for _, title := range []string{"Calls drop after a few minutes", "Calendar invitations not sent", "Mail to one partner domain bounces"} {
			if _, ok := byTitle[title]; ok {
				t.Errorf("Contoso's issues list %q", title)
			}
		}
		signIn := byTitle["Some users cannot sign in"]
		if signIn.Classification != "incident" || signIn.Status != "postIncidentReviewPublished" || !signIn.IsResolved ||
			signIn.Service != "Admin centre and sign-in" || signIn.FeatureGroup != nil || signIn.EndDateTime == nil || signIn.Origin != "microsoft" {
			t.Errorf("sign-in issue = %+v", signIn)
		}
		if len(signIn.Posts) != 3 || signIn.Posts[0].PostType != "regular" || signIn.Posts[0].Description.ContentType != "html" ||
			!strings.HasPrefix(signIn.Posts[0].Description.Content, "<p>Users in Europe") || !signIn.Posts[2].CreatedDateTime.After(signIn.Posts[0].CreatedDateTime) {
			t.Errorf("sign-in posts = %+v", signIn.Posts)
		}
		if !strings.HasPrefix(signIn.ImpactDescription, "Users in Europe get an error") {
			t.Errorf("impactDescription = %q", signIn.ImpactDescription)
		}
		del := byTitle["Mail delivery to external domains delayed"]
		if del.Service != "Mail" || del.FeatureGroup == nil || *del.FeatureGroup != "Sending and receiving" || del.Status != "serviceRestored" {
			t.Errorf("delivery issue = %+v", del)
		}
		if !slices.Contains(del.Details, graphKeyValue{Name: "regions", Value: "Europe, North America"}) {
			t.Errorf("delivery details = %+v", del.Details)
		}
		if adv := byTitle["Older mobile apps will stop syncing on 1 February"]; adv.Classification != "advisory" || adv.IsResolved || adv.Status != "investigating" {
			t.Errorf("advisory = %+v", adv)
		}
		if m := byTitle["Drive storage upgrade"]; m.Classification != "advisory" || m.Status != "confirmed" || m.EndDateTime == nil ||
			!m.StartDateTime.After(time.Now()) || m.Service != "Drive" {
			t.Errorf("maintenance = %+v", m)
		}

		// The report once published, and a code until then.
		id := e.demoIncident("Some users cannot sign in")
		rep := e.get(carl, issuePath(id, "/incidentReport"))
		if rep.Status != 200 || !strings.HasPrefix(rep.Header.Get("Content-Type"), "text/markdown") || !strings.Contains(string(rep.Body), "## What happened") {
			t.Errorf("report: %d %s %q", rep.Status, rep.Header.Get("Content-Type"), rep.Body)
		}
		e.get(carl, issuePath(e.demoIncident("Mail delivery to external domains delayed"), "/incidentReport")).problem(t, 404, "incident_report_not_published")

		// An identified incident that takes a service down is an
		// interruption; staff see services no customer of theirs uses.
		var calls graphIssue
		e.get(agent, issuePath(e.demoIncident("Calls drop after a few minutes"))).ok(t, http.StatusOK, &calls)
		if calls.Status != "serviceDegradation" || calls.Service != "Chat" || *calls.FeatureGroup != "Calls and meetings" {
			t.Errorf("calls = %+v", calls)
		}
		var down incidentBody
		e.post(stan, "/api/v1/incidents", map[string]any{"title": "Drive is down", "public": true, "status": "identified",
			"affected": []map[string]any{{"component": "drive", "status": "major_outage"}}, "body": "Drive does not open."}).ok(t, http.StatusCreated, &down)
		var g graphIssue
		e.get(uma, issuePath(down.ID)).ok(t, http.StatusOK, &g)
		if g.Status != "serviceInterruption" || g.IsResolved || g.EndDateTime != nil {
			t.Errorf("down = %+v", g)
		}
		var o graphOverview
		e.get(uma, graphBase+"/healthOverviews/drive").ok(t, http.StatusOK, &o)
		if o.Status != "serviceInterruption" {
			t.Errorf("Drive overview = %+v", o)
		}
	})
}

// TestServiceHealthGraphAPIScope: another organisation's limited incident,
// and incidents of services an organisation does not use, are not found by
// any path of the Graph API, exactly like ids that never existed.
func TestServiceHealthGraphAPIScope(t *testing.T) {
	onEachStore(t, func(t *testing.T, e *env) {
		fabOnly := e.demoIncident("Mail to one partner domain bounces")
		chat := e.demoIncident("Calls drop after a few minutes")
		// A finished incident limited to Fabrikam, with a published report.
		var inc incidentBody
		e.post(stan, "/api/v1/incidents", map[string]any{"title": "Fabrikam calendar sync", "public": false, "org_ids": []int64{e.user(ada).OrgID},
			"affected": []map[string]any{{"component": "mail-web"}}, "body": "Fabrikam only."}).ok(t, http.StatusCreated, &inc)
		e.post(stan, incidentPath(inc.ID, "/posts"), map[string]any{"status": "service_restored", "body": "Fixed."}).ok(t, http.StatusCreated, nil)
		e.send(request{Method: "PUT", Path: incidentPath(inc.ID, "/report"), As: stan, Body: map[string]any{"report": "Secret report."}}).ok(t, http.StatusOK, nil)
		e.get(ada, issuePath(inc.ID, "/incidentReport")).ok(t, http.StatusOK, nil)

		var l graphList[graphIssue]
		for _, as := range []string{carl, uma, bill, tess} {
			res := e.get(as, graphBase+"/issues")
			res.ok(t, http.StatusOK, &l)
			if ids := issueIDs(l.Value); slices.Contains(ids, fmt.Sprint(inc.ID)) || slices.Contains(ids, fmt.Sprint(fabOnly)) || strings.Contains(string(res.Body), "Fabrikam") {
				t.Errorf("%s lists Fabrikam's issues: %v", as, ids)
			}
			res = e.get(as, graphBase+"/healthOverviews?$expand=issues")
			if res.Status != 200 || strings.Contains(string(res.Body), "Fabrikam") || strings.Contains(string(res.Body), "partner domain") {
				t.Errorf("%s's overviews show Fabrikam's issues: %s", as, res.Body)
			}
			for _, id := range []int64{inc.ID, fabOnly, chat, inc.ID + 1000} {
				hidden := e.get(as, issuePath(id))
				hidden.problem(t, 404, "incident_not_found")
				report := e.get(as, issuePath(id, "/incidentReport"))
				report.problem(t, 404, "incident_not_found")
				if strings.Contains(string(report.Body), "Secret") || strings.Contains(string(hidden.Body), "Fabrikam") {
					t.Errorf("%s: %s", as, report.Body)
				}
			}
		}
		// Tailspin uses Mail only, but sign-in concerns everyone.
		var tl graphList[graphOverview]
		e.get(tess, graphBase+"/healthOverviews").ok(t, http.StatusOK, &tl)
		if len(tl.Value) != 2 || tl.Value[0].ID != "mail" || tl.Value[1].ID != "admin" {
			t.Errorf("Tailspin's services = %+v", tl.Value)
		}
		for _, path := range []string{graphBase + "/healthOverviews", graphBase + "/issues", issuePath(fabOnly)} {
			e.get("", path).problem(t, 401, "token_required")
		}
		e.get(agent, issuePath(inc.ID, "/incidentReport")).ok(t, http.StatusOK, nil)
		e.get(carl, graphBase+"/issues/abc").problem(t, 404, "incident_not_found")
	})
}

// TestServiceHealthGraphAPIMarkup: post bodies reach Graph's HTML item
// bodies through the sanitiser.
func TestServiceHealthGraphAPIMarkup(t *testing.T) {
	e := newEnv(t)
	var inc incidentBody
	e.post(stan, "/api/v1/incidents", map[string]any{"title": "Markup", "public": true, "affected": []map[string]any{{"component": "admin"}},
		"body": "**Sign-in** is slow. <script>alert(1)</script> [status](javascript:alert(1)) <img src=x onerror=alert(1)>"}).ok(t, http.StatusCreated, &inc)
	var g graphIssue
	e.get(carl, issuePath(inc.ID)).ok(t, http.StatusOK, &g)
	html := g.Posts[0].Description.Content
	if !strings.Contains(html, "<strong>Sign-in</strong>") {
		t.Errorf("Markdown not rendered: %q", html)
	}
	for _, bad := range []string{"<script", "javascript:", "onerror", "<img"} {
		if strings.Contains(html, bad) {
			t.Errorf("HTML holds %s: %q", bad, html)
		}
	}
}
