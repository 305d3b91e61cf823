package ui

// routes are every page: signing in here, the customer portal's in
// portalRoutes (portal_*.go), the agent console's in consoleRoutes
// (console_*.go) and its mail pages in consoleMailRoutes (console_mail.go);
// the portal's webhook settings are in portalWebhookRoutes.
var routes = append(append(append(append([]route{
	{"GET /login", public, (*Server).loginPage},
	{"POST /login", public, (*Server).login},
	{"POST /logout", signedIn, (*Server).logout},
	{"POST /logout/everywhere", signedIn, (*Server).logoutEverywhere},
	{"POST /language", public, (*Server).setLanguage},
}, portalRoutes...), consoleRoutes...), consoleMailRoutes...), portalWebhookRoutes...)
