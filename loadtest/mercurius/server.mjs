// Mercurius (GraphQL on Fastify) with graphql-jit, a peer of loadtest/run.sh --compare: the
// load test's tree and one-cercle queries over the map of one date, held in memory as plain
// objects. Its data is our own answer to a dump query (run.sh fetches it from our server,
// built from data/), so both serve the same figures; run.sh checks that both answer the same
// bytes before measuring.
//
// usage: node server.mjs PORT DUMP.json DATE
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import mercurius from 'mercurius'

const [port, dumpFile, date] = process.argv.slice(2)
if (!port || !dumpFile || !date) {
  console.error('usage: node server.mjs PORT DUMP.json DATE')
  process.exit(2)
}
const dump = JSON.parse(readFileSync(dumpFile, 'utf8')).data.regions

// Populations by year, for the years the dump asked for.
const YEARS = [1998, 2009]
const unit = (u, children) => {
  const figures = {}
  for (const year of YEARS) figures[year] = u[`p${year}`]
  return { code: u.code, name: u.name, figures, ...children }
}
const regions = dump.map((r) =>
  unit(r, {
    cercles: r.cercles.map((c) =>
      unit(c, { communes: c.communes.map((m) => unit(m, {})) })
    )
  })
)
const cercles = new Map()
for (const r of regions) for (const c of r.cercles) cercles.set(c.code, c)

const schema = `
  type Query {
    regions(asOf: String): [Region!]!
    cercle(code: String!, asOf: String): Cercle
  }
  type Region { name: String! population(year: Int!): Int cercles: [Cercle!]! }
  type Cercle { name: String! population(year: Int!): Int communes: [Commune!]! }
  type Commune { name: String! population(year: Int!): Int }
`

const onDate = (asOf) => {
  if (asOf !== date) throw new Error(`only ${date} is loaded`)
}
const population = (u, { year }) => {
  if (!YEARS.includes(year)) throw new Error(`only ${YEARS.join(', ')} are loaded`)
  return u.figures[year] ?? null
}
const resolvers = {
  Query: {
    regions: (_, { asOf }) => {
      onDate(asOf)
      return regions
    },
    cercle: (_, { code, asOf }) => {
      onDate(asOf)
      return cercles.get(code) ?? null
    }
  },
  Region: { population },
  Cercle: { population },
  Commune: { population }
}

const app = Fastify({ logger: false })
// jit: 1 compiles a query with graphql-jit from its second run on (Mercurius' own cache keeps
// parsed and validated documents by text).
app.register(mercurius, { schema, resolvers, jit: 1, graphiql: false })
await app.listen({ host: '127.0.0.1', port: Number(port) })
