// The PSA connectors Tenure has, by name: how each is set up (the credentials its
// form asks for, what its API user needs and why), its priority defaults, and how
// to make its ticket source. A new PSA is one folder and one entry here.
import type { z } from 'zod';
import type { ConnectorName, PriorityDefaults, TicketSource } from '../core/ticket-sources.js';
import { CONNECTWISE_PRIORITIES } from './connectwise/fields.js';
import { connectwiseCredentialsSchema, connectwiseSource, registerConnectwiseCallback } from './connectwise/source.js';
import type { RetryPolicy } from './http.js';
import { AUTOTASK_PRIORITIES } from './autotask/fields.js';
import { autotaskCredentialsSchema, autotaskSource } from './autotask/source.js';
import { HALOPSA_PRIORITIES } from './halopsa/fields.js';
import { HALO_WEBHOOK_USER, halopsaCredentialsSchema, halopsaSource } from './halopsa/source.js';

export interface CredentialField {
  id: string;
  label: string;
  placeholder?: string;
  hint?: string;
}

export interface SourceOptions {
  /** The secret Tenure made for this connection's webhook (for PSAs that sign with a shared secret). */
  webhookSecret: string;
  retry?: RetryPolicy;
}

export interface Connector {
  name: ConnectorName;
  label: string;
  credentialFields: CredentialField[];
  credentialsSchema: z.ZodType<Record<string, string>, z.ZodTypeDef, Record<string, string>>;
  priorities: PriorityDefaults;
  /** What the PSA user needs, in one line for the form's answer (README has the details). */
  permissions: string;
  source(credentials: Record<string, string>, options: SourceOptions): TicketSource;
  /**
   * Registers the webhook with the PSA itself, where its API can (ConnectWise's
   * callbacks API); otherwise the admin pastes the URL and secret into the PSA.
   */
  registerWebhook?(credentials: Record<string, string>, url: string, retry?: RetryPolicy): Promise<'registered' | 'already'>;
  /** How the admin sets up the webhook, when Tenure cannot (shown with the URL and secret). */
  webhookSteps?: string;
}

export const CONNECTORS: Partial<Record<ConnectorName, Connector>> = {
  connectwise: {
    name: 'connectwise',
    label: 'ConnectWise PSA',
    credentialFields: [
      { id: 'site', label: 'ConnectWise site', placeholder: 'https://api-na.myconnectwise.net', hint: 'The API address of your region (api-na, api-eu, api-au) or your own server.' },
      { id: 'companyId', label: 'Company id', placeholder: 'acmemsp', hint: 'The company id you type when you log in to ConnectWise.' },
      { id: 'publicKey', label: 'Public key', hint: "The API member's public key (System → Members → API Members → API Keys)." },
      { id: 'privateKey', label: 'Private key', hint: 'Shown once, when the key is made.' },
      { id: 'clientId', label: 'Client id', hint: 'Your integration clientId from developer.connectwise.com.' },
    ],
    credentialsSchema: connectwiseCredentialsSchema,
    priorities: CONNECTWISE_PRIORITIES,
    permissions:
      'An API member whose security role can Inquire on Service Desk → Service Tickets and Companies → Company Maintenance, and Add/Inquire on System → Table Setup (callbacks); nothing to edit or delete.',
    source: (credentials, options) => connectwiseSource(credentials, options.retry),
    registerWebhook: registerConnectwiseCallback,
  },
  autotask: {
    name: 'autotask',
    label: 'Datto Autotask',
    credentialFields: [
      { id: 'zone', label: 'API zone', placeholder: 'https://webservices5.autotask.net', hint: "Your zone's API address (Autotask's zoneInformation for the API user names it)." },
      { id: 'username', label: 'API user name', placeholder: 'tenure-api@acmemsp.com', hint: 'An API-only user (Admin → Resources/Users → New API User).' },
      { id: 'secret', label: 'API user secret', hint: "The API user's password (Secret)." },
      { id: 'integrationCode', label: 'API tracking identifier', hint: 'The integration code shown on the API user (Integration vendor or custom).' },
    ],
    credentialsSchema: autotaskCredentialsSchema,
    priorities: AUTOTASK_PRIORITIES,
    permissions:
      'An API-only user with a security level that can view Companies and all Tickets (the "API User (system)" level does); it never edits anything. The webhook needs an Autotask admin to create it.',
    source: (credentials, options) => autotaskSource(credentials, options.webhookSecret, options.retry),
    webhookSteps:
      'Create a ticket webhook (Autotask REST API, POST /TicketWebhooks) with WebhookUrl and DeactivationUrl set to the URL above, SecretKey set to the secret above, subscribed to create and update events and to the Status, Priority, Title, First Response and Resolved fields. Tenure checks each call\'s X-Hook-Signature with that secret.',
  },
  halopsa: {
    name: 'halopsa',
    label: 'HaloPSA',
    credentialFields: [
      { id: 'url', label: 'Halo address', placeholder: 'https://acme.halopsa.com', hint: 'The address you open Halo at (its API is under /api, its sign-in under /auth).' },
      { id: 'clientId', label: 'Client ID', hint: 'Config → Integrations → HaloPSA API → View Applications → New, authentication method Client ID and Secret.' },
      { id: 'clientSecret', label: 'Client secret', hint: 'Shown once, when the application is made.' },
    ],
    credentialsSchema: halopsaCredentialsSchema,
    priorities: HALOPSA_PRIORITIES,
    permissions: 'An API application (Client ID and Secret) logging in as an agent who can see every client and ticket, with the read:tickets and read:customers permissions (scope "all" is asked for; nothing is written).',
    source: (credentials, options) => halopsaSource(credentials, options.webhookSecret, options.retry),
    webhookSteps: `In Halo, Config → Integrations → Webhooks → New: the URL above, method POST, authentication Basic with user name "${HALO_WEBHOOK_USER}" and the secret above as the password, on the events "Ticket Logged" and "Ticket Updated".`,
  },
};

export function connectorFor(name: ConnectorName): Connector | undefined {
  return CONNECTORS[name];
}
