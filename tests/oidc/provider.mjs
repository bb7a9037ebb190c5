// A real OpenID Connect provider for the test suite (node oidc-provider, OpenID certified).
// Any login name signs in: its account has the e-mail <login>@example.org, verified unless the
// login starts with "unverified". Settings come from the environment:
//   PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  pkce: { required: () => false },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const login = id.toLowerCase();
    return {
      accountId: login,
      async claims() {
        return {
          sub: login,
          email: login.includes('@') ? login : `${login}@example.org`,
          email_verified: !login.startsWith('unverified'),
          name: `Landeskonto ${login}`,
          given_name: 'Landeskonto',
          family_name: login,
        };
      },
    };
  },
});
provider.proxy = true;
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
