package web

import (
	"net/http"

	"desk"
)

// route is one endpoint of the API.
type route struct {
	Method string
	// Pattern is a net/http.ServeMux path pattern; {id} is a path value.
	Pattern string
	// Public routes are served without a bearer token.
	Public bool
	// Handle serves the route. u is the authenticated caller, nil on public
	// routes. A returned error is written as a problem.
	Handle func(s *Server, w http.ResponseWriter, r *http.Request, u *desk.User) error
}

// routes is the whole API. openapi.json describes exactly these routes, and
// TestOpenAPIMatchesRoutes keeps it that way.
var routes = []route{
	{"GET", "/healthz", true, (*Server).healthz},
	{"GET", "/readyz", true, (*Server).readyz},
	{"GET", "/api/v1/openapi.json", true, (*Server).openAPI},

	{"GET", "/api/v1/me", false, (*Server).me},
	{"GET", "/api/v1/products", false, (*Server).products},

	{"POST", "/api/v1/cases", false, (*Server).openCase},
	{"GET", "/api/v1/cases", false, (*Server).listCases},
	{"GET", "/api/v1/cases/{id}", false, (*Server).getCase},
	{"GET", "/api/v1/cases/{id}/messages", false, (*Server).listMessages},
	{"POST", "/api/v1/cases/{id}/messages", false, (*Server).addMessage},
	{"POST", "/api/v1/cases/{id}/close", false, (*Server).closeCase},
	{"POST", "/api/v1/cases/{id}/reopen", false, (*Server).reopenCase},
	{"POST", "/api/v1/cases/{id}/request-info", false, (*Server).requestInfo},
	{"POST", "/api/v1/cases/{id}/resolve", false, (*Server).resolveCase},
	{"POST", "/api/v1/cases/{id}/escalate", false, (*Server).escalateCase},
	{"POST", "/api/v1/cases/{id}/severity", false, (*Server).changeSeverity},

	{"GET", "/api/v1/search/cases", false, (*Server).searchCases},

	{"GET", "/api/v1/cases/{id}/attachments", false, (*Server).listAttachments},
	{"POST", "/api/v1/cases/{id}/attachments", false, (*Server).uploadAttachment},
	{"GET", "/api/v1/attachments/{id}", false, (*Server).downloadAttachment},

	{"POST", "/api/v1/import/cases", false, (*Server).importCases},

	{"GET", "/api/v1/sla/at-risk", false, (*Server).casesAtRisk},
	{"POST", "/api/v1/sla/recompute", false, (*Server).recomputeSLA},
	{"GET", "/api/v1/sla/summary", false, (*Server).slaSummary},
	{"GET", "/api/v1/calendars", false, (*Server).listCalendars},
	{"PUT", "/api/v1/calendars/{name}", false, (*Server).putCalendar},
	{"GET", "/api/v1/sla-policies", false, (*Server).listSLAPolicies},
	{"PUT", "/api/v1/sla-policies", false, (*Server).putSLAPolicy},
	{"GET", "/api/v1/notifications", false, (*Server).notifications},

	{"POST", "/api/v1/webhooks", false, (*Server).createWebhook},
	{"GET", "/api/v1/webhooks", false, (*Server).listWebhooks},
	{"DELETE", "/api/v1/webhooks/{id}", false, (*Server).deleteWebhook},
	{"POST", "/api/v1/webhooks/{id}/test", false, (*Server).testWebhook},
	{"GET", "/api/v1/webhooks/{id}/deliveries", false, (*Server).webhookDeliveries},

	{"GET", "/api/v1/articles", true, (*Server).listArticles},
	{"GET", "/api/v1/articles/search", true, (*Server).searchArticles},
	{"GET", "/api/v1/articles/{id}", true, (*Server).getArticle},
	{"POST", "/api/v1/articles", false, (*Server).createArticle},
	{"PUT", "/api/v1/articles/{id}", false, (*Server).updateArticle},
	{"POST", "/api/v1/articles/{id}/publish", false, (*Server).publishArticle},
	{"GET", "/api/v1/articles/{id}/votes", false, (*Server).listArticleVotes},
	{"GET", "/api/v1/deflection", false, (*Server).deflection},

	{"GET", "/api/v1/credit-requests", false, (*Server).listCreditRequests},
	{"POST", "/api/v1/cases/{id}/credit-request", false, (*Server).requestCredit},
	{"POST", "/api/v1/credit-requests/{id}/approve", false, (*Server).approveCredit},
	{"POST", "/api/v1/credit-requests/{id}/decline", false, (*Server).declineCredit},

	{"GET", "/api/v1/components", false, (*Server).listComponents},
	{"PUT", "/api/v1/components/{code}", false, (*Server).putComponent},
	{"POST", "/api/v1/incidents", false, (*Server).createIncident},
	{"GET", "/api/v1/incidents", false, (*Server).listIncidents},
	{"GET", "/api/v1/incidents/{id}", false, (*Server).getIncident},
	{"POST", "/api/v1/incidents/{id}/posts", false, (*Server).postIncidentUpdate},
	{"PUT", "/api/v1/incidents/{id}/report", false, (*Server).putIncidentReport},

	{"GET", "/api/v1/admin/serviceAnnouncement/healthOverviews", false, (*Server).healthOverviews},
	{"GET", "/api/v1/admin/serviceAnnouncement/healthOverviews/{service}", false, (*Server).healthOverview},
	{"GET", "/api/v1/admin/serviceAnnouncement/issues", false, (*Server).healthIssues},
	{"GET", "/api/v1/admin/serviceAnnouncement/issues/{id}", false, (*Server).healthIssue},
	{"GET", "/api/v1/admin/serviceAnnouncement/issues/{id}/incidentReport", false, (*Server).healthIssueReport},
}
