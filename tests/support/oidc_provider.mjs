// A real OpenID Provider for the single sign-on tests (the npm package oidc-provider, its development
// interactions: any login name, any password, then a consent button). Configured from the environment:
//   OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI,
//   OIDC_ACCOUNTS: JSON {login: {email, email_verified, name, helpdesk_role}}
// Prints "ready <issuer>" once it listens. Test use only: keys and cookies are throwaway.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || "{}");

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "helpdesk_role"] },
  async findAccount(ctx, id) {
    return { accountId: id, claims: async () => ({ sub: id, ...(accounts[id] || {}) }) };
  },
  cookies: { keys: ["oidc-test-cookie-key-not-secret"] },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
