-- name: create-org
INSERT INTO orgs (name, time_zone, language, phones, emails, created_at)
VALUES ($1, $2, $3, $4, $5, $6) RETURNING id;

-- name: get-org
SELECT id, name, time_zone, language, phones, emails, created_at FROM orgs WHERE id = $1;

-- name: create-partner
INSERT INTO partners (name, email, phone, url) VALUES ($1, $2, $3, $4) RETURNING id;

-- name: put-product
INSERT INTO products (code, name) VALUES ($1, $2)
ON CONFLICT (code) DO UPDATE SET name = excluded.name;

-- name: list-products
SELECT code, name FROM products ORDER BY code;

-- name: put-plan
INSERT INTO plans (code, name, support_included, channels, max_severity, upgrade_to, uptime_commitment, credit_tiers)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, support_included = excluded.support_included,
	channels = excluded.channels, max_severity = excluded.max_severity, upgrade_to = excluded.upgrade_to,
	uptime_commitment = excluded.uptime_commitment, credit_tiers = excluded.credit_tiers;

-- name: get-plan
SELECT code, name, support_included, channels, max_severity, upgrade_to, uptime_commitment, credit_tiers
FROM plans WHERE code = $1;

-- name: put-sla-policy
INSERT INTO sla_policies (plan, severity, calendar,
	first_response_minutes, next_response_minutes, resolution_minutes,
	first_response_business_days, next_response_business_days, resolution_business_days,
	first_response_calendar, next_response_calendar, resolution_calendar)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (plan, severity) DO UPDATE SET calendar = excluded.calendar,
	first_response_minutes = excluded.first_response_minutes,
	next_response_minutes = excluded.next_response_minutes,
	resolution_minutes = excluded.resolution_minutes,
	first_response_business_days = excluded.first_response_business_days,
	next_response_business_days = excluded.next_response_business_days,
	resolution_business_days = excluded.resolution_business_days,
	first_response_calendar = excluded.first_response_calendar,
	next_response_calendar = excluded.next_response_calendar,
	resolution_calendar = excluded.resolution_calendar;

-- name: get-sla-policy
SELECT plan, severity, calendar,
	first_response_minutes, next_response_minutes, resolution_minutes,
	first_response_business_days, next_response_business_days, resolution_business_days,
	first_response_calendar, next_response_calendar, resolution_calendar
FROM sla_policies WHERE plan = $1 AND severity = $2;

-- name: list-sla-policies
SELECT plan, severity, calendar,
	first_response_minutes, next_response_minutes, resolution_minutes,
	first_response_business_days, next_response_business_days, resolution_business_days,
	first_response_calendar, next_response_calendar, resolution_calendar
FROM sla_policies ORDER BY plan, severity;

-- name: put-subscription
INSERT INTO subscriptions (org_id, product, plan, extended_support, partner_id, monthly_fee, currency)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (org_id, product) DO UPDATE SET plan = excluded.plan,
	extended_support = excluded.extended_support, partner_id = excluded.partner_id,
	monthly_fee = excluded.monthly_fee, currency = excluded.currency;

-- name: list-subscriptions
SELECT s.product, s.plan, s.extended_support, s.monthly_fee, s.currency, p.id, p.name, p.email, p.phone, p.url
FROM subscriptions s LEFT JOIN partners p ON p.id = s.partner_id
WHERE s.org_id = $1 ORDER BY s.product;
