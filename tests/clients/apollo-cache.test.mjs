// Apollo Client 3, the normalising cache most of our web users run, against the real server
// (MALI_ADMIN_URL, e.g. http://127.0.0.1:8000/graphql): a unit asked for on two dates stays two
// objects in the cache, so the 2010 answer reads back as 2010 after asking 2024; an errored
// nullable field is present as null beside its siblings.
import { test } from "node:test";
import assert from "node:assert/strict";
import apollo from "@apollo/client/core/core.cjs";

const { ApolloClient, InMemoryCache, HttpLink, gql } = apollo;

const url = process.env.MALI_ADMIN_URL;
if (!url) {
  throw new Error("set MALI_ADMIN_URL to the server's /graphql endpoint");
}

function client() {
  return new ApolloClient({
    link: new HttpLink({ uri: url, fetch }),
    cache: new InMemoryCache(),
  });
}

const MOPTI = gql`
  query Mopti($on: Date!) {
    region(name: "Mopti", asOf: $on) {
      id
      code
      asOf
      cercles {
        id
        name
      }
    }
  }
`;

test("the 2010 answer reads back from the cache as 2010 after asking 2024", async () => {
  const apolloClient = client();
  const in2010 = await apolloClient.query({ query: MOPTI, variables: { on: "2010-01-01" } });
  assert.equal(in2010.data.region.asOf, "2010-01-01");
  assert.equal(in2010.data.region.cercles.length, 8);

  const in2024 = await apolloClient.query({ query: MOPTI, variables: { on: "2024-06-01" } });
  assert.equal(in2024.data.region.asOf, "2024-06-01");
  assert.notEqual(in2024.data.region.id, in2010.data.region.id);
  assert.equal(in2024.data.region.code, in2010.data.region.code);

  // Read from the cache alone: no request is sent.
  const back = apolloClient.readQuery({ query: MOPTI, variables: { on: "2010-01-01" } });
  assert.equal(back.region.asOf, "2010-01-01");
  assert.deepEqual(
    back.region.cercles.map((cercle) => cercle.name),
    in2010.data.region.cercles.map((cercle) => cercle.name),
  );
  const cached = await apolloClient.query({
    query: MOPTI,
    variables: { on: "2010-01-01" },
    fetchPolicy: "cache-only",
  });
  assert.equal(cached.data.region.asOf, "2010-01-01");

  // Two Region entries in the normalised store, one per date.
  const regions = Object.keys(apolloClient.cache.extract()).filter((key) => key.startsWith("Region:"));
  assert.equal(regions.length, 2);
});

test("node(id) refetches exactly the object the id came from", async () => {
  const apolloClient = client();
  const in2010 = await apolloClient.query({ query: MOPTI, variables: { on: "2010-01-01" } });
  const NODE = gql`
    query Node($id: ID!) {
      node(id: $id) {
        id
        ... on Region {
          asOf
          cercles {
            id
            name
          }
        }
      }
    }
  `;
  const again = await client().query({ query: NODE, variables: { id: in2010.data.region.id } });
  assert.equal(again.data.node.asOf, "2010-01-01");
  assert.equal(again.data.node.cercles.length, 8);
});

test("an errored nullable field is null beside its siblings", async () => {
  const apolloClient = client();
  const answer = await apolloClient.query({
    query: gql`
      {
        dataStarts
        x: cercle(name: "Nowhere") {
          id
          name
        }
      }
    `,
    errorPolicy: "all",
  });
  assert.equal(answer.data.dataStarts, "1996-11-04");
  assert.equal(answer.data.x, null);
  assert.equal(answer.errors.length, 1);
  assert.equal(answer.errors[0].extensions.code, "NOT_FOUND");
  assert.deepEqual(answer.errors[0].path, ["x"]);
});
