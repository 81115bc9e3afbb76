//! The served GraphQL API: the root query (`query.rs`) and the Apollo Federation subgraph
//! (`federation.rs`, off by default) over the types of [`crate::schema`], and [`Api`], which
//! admits a request ([`crate::admission`]), runs it on the fast path ([`crate::fast_path`]) when
//! its plan covers it, or else through async-graphql's executor, one loader batch per level,
//! within a deadline.

mod federation;
mod query;

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use async_graphql::{
    EmptyMutation, EmptySubscription, ObjectType, Request, Response, SDLExportOptions, Schema,
    SchemaBuilder,
};
use chrono::NaiveDate;
use futures_util::future::Either;

pub use crate::admission::{
    Admitted, Budget, Lexed, Limits, MAX_NESTING, Measure, Operations, Policy, Refused,
    code as limit_code, lex,
};
pub use crate::schema::{ApiError, BatchCounter, Date, LoaderStats, Today};
pub use federation::{EntityResolvers, FederatedQuery, FederatedRoot};
pub use query::QueryRoot;

use crate::admission::{self, Admission};
use crate::fast_path;
use crate::model::AdminGraph;
use crate::schema::{BatchQueue, Loaders};

pub type AppSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// The schema of the Apollo Federation v2 subgraph (`--federation true`): [`AppSchema`]'s types,
/// with `@key`s on the units and the `_service` and `_entities` root fields.
pub type FederatedSchema = Schema<FederatedRoot, EmptyMutation, EmptySubscription>;

/// The schema an [`Api`] serves: the plain one, or the federated subgraph.
enum ServedSchema {
    Plain(AppSchema),
    Federated(FederatedSchema),
}

/// Settings of the schema.
#[derive(Debug, Clone, Default)]
pub struct ApiSettings {
    /// Fix "today" (the default `asOf`) instead of reading the clock.
    pub today: Option<NaiveDate>,
}

/// The schema over a model, and the batch counts of its loaders. Run requests with
/// [`Api::execute`], which gives each its loaders.
pub struct Api {
    schema: ServedSchema,
    pub loader_stats: Arc<LoaderStats>,
    graph: Arc<AdminGraph>,
    today: Today,
    admission: Admission,
    fast_path: bool,
}

/// Builds the schema over `graph`, with the default [`Policy`].
pub fn build_api(graph: Arc<AdminGraph>, settings: &ApiSettings) -> Api {
    build_api_with(graph, settings, &Policy::default())
}

/// Builds the schema over `graph` with the limits and switches of `policy`.
pub fn build_api_with(graph: Arc<AdminGraph>, settings: &ApiSettings, policy: &Policy) -> Api {
    let today = Today(settings.today);
    let (schema, admission) = if policy.federation {
        (
            ServedSchema::Federated(
                configure(federated_schema_builder(), &graph, today, policy)
                    .enable_federation()
                    .finish(),
            ),
            Admission::new::<FederatedRoot>(policy),
        )
    } else {
        (
            ServedSchema::Plain(configure(schema_builder(), &graph, today, policy).finish()),
            Admission::new::<QueryRoot>(policy),
        )
    };
    Api {
        schema,
        loader_stats: Arc::new(LoaderStats::default()),
        graph,
        today,
        admission,
        fast_path: policy.fast_path,
    }
}

/// Gives a schema under construction its data, limits and switches.
fn configure<Q: ObjectType + 'static>(
    builder: SchemaBuilder<Q, EmptyMutation, EmptySubscription>,
    graph: &Arc<AdminGraph>,
    today: Today,
    policy: &Policy,
) -> SchemaBuilder<Q, EmptyMutation, EmptySubscription> {
    let mut builder = admission::apply_limits(builder, &policy.limits)
        .data(graph.clone())
        .data(today);
    if !policy.introspection {
        builder = builder.disable_introspection();
    }
    if !policy.suggestions {
        builder = builder.disable_suggestions();
    }
    builder
}

impl Api {
    /// Whether this API serves the Apollo Federation subgraph.
    pub fn federated(&self) -> bool {
        matches!(self.schema, ServedSchema::Federated(_))
    }

    /// The data's version: answers change only with it (and with today's date).
    pub fn data_version(&self) -> &str {
        self.graph.version()
    }

    /// The model the schema answers from (the exports read it directly).
    pub fn graph(&self) -> &Arc<AdminGraph> {
        &self.graph
    }

    /// How many units the model holds (the data is loaded when it holds some).
    pub fn unit_count(&self) -> usize {
        self.graph.units().len()
    }

    /// Today's date, the default `asOf`.
    pub fn today(&self) -> NaiveDate {
        self.today.date()
    }

    /// Admits and executes one request (any operation). See [`Api::admit`] and [`Api::run`].
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        match self.admit(request.into(), Operations::Any) {
            Ok(admitted) => self.run(admitted).await,
            Err(refused) => Response::from_errors(vec![refused.into_error()]),
        }
    }

    /// Resolves a persisted query, parses (or finds the parse of) the document and checks it
    /// against the limits, the introspection switch and `operations`. Every refusal carries
    /// its code.
    pub fn admit(&self, request: Request, operations: Operations) -> Result<Admitted, Refused> {
        self.admit_within(request, operations, &mut self.budget())
    }

    /// [`Api::admit`], charging the request to `budget`: the operations of one HTTP request
    /// (a batch) share one budget of tokens, aliases and complexity.
    pub fn admit_within(
        &self,
        request: Request,
        operations: Operations,
        budget: &mut Budget,
    ) -> Result<Admitted, Refused> {
        self.admission.admit_within(request, operations, budget)
    }

    /// A full budget: what one HTTP request may spend.
    pub fn budget(&self) -> Budget {
        self.admission.budget()
    }

    /// Executes an admitted request with its own loaders, running their batches only when the
    /// query has nothing left to do without them: one batch per nesting level, with no timer.
    pub async fn run(&self, admitted: Admitted) -> Response {
        // Without a deadline the query always runs to its end.
        self.run_until(admitted, None).await.unwrap_or_default()
    }

    /// [`Api::run`] within a deadline, checked between nesting levels: `None` when the deadline
    /// passed before the query was done. (In-memory work never waits, so a timer around the
    /// query alone would only fire when the runtime happens to turn its timers.)
    pub async fn run_until(
        &self,
        admitted: Admitted,
        deadline: Option<std::time::Instant>,
    ) -> Option<Response> {
        let measure = admitted.measure;
        let (request, order) = admitted.into_request();
        let mut response = self.execute_admitted(request, deadline).await?;
        order.apply(&mut response.data);
        // The cost, as Shopify's API gives it: what the admission charged, and what the
        // answer holds.
        response.extensions.insert(
            "cost".to_owned(),
            async_graphql::value!({
                "requestedQueryCost": measure.complexity,
                "actualQueryCost": admission::actual_cost(&response.data),
            }),
        );
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(admission::code_error)
            .collect();
        Some(response)
    }

    /// Executes an admitted request on the fast path, when its plan covers the whole operation:
    /// the answer's JSON body (`{"data":…,"extensions":{"cost":…}}`, never with errors). `None`: run it with
    /// [`Api::run`]. The plan of a cached document is compiled once, on its first run.
    pub async fn run_fast(&self, admitted: &mut Admitted) -> Option<Vec<u8>> {
        if !self.fast_path || self.federated() {
            return None;
        }
        let plan = match admitted.plan.clone() {
            Some(slot) => match slot.get() {
                Some(plan) => plan.clone(),
                None => {
                    let plan = self.plan(admitted).await;
                    slot.get_or_init(|| plan).clone()
                }
            },
            None => self.plan(admitted).await,
        }?;
        fast_path::execute(
            &plan,
            &self.graph,
            &self.loader_stats,
            self.today(),
            admitted.measure.complexity,
        )
        .await
    }

    /// The fast path's plan of a request's operation, if it has one and the document is valid.
    /// Its validation takes the request's own document (a cached one is copied).
    async fn plan(&self, admitted: &mut Admitted) -> Option<Arc<fast_path::Plan>> {
        let ServedSchema::Plain(schema) = &self.schema else {
            return None;
        };
        let doc = admitted.document()?;
        let operation = admission::selected_operation(doc, admitted.operation_name())?;
        let plan = fast_path::compile(
            doc,
            operation,
            admitted.variables(),
            &self.graph,
            self.today(),
        )?;
        // async-graphql validates a document only as part of executing it, and offers no
        // validation alone: execute it in introspection-only mode, where the data fields answer
        // null without running, and take the plan only if no rule refused the document.
        let mut probe = Request::new(String::new())
            .variables(admitted.variables().clone())
            .only_introspection();
        probe.operation_name = admitted.operation_name().map(str::to_owned);
        probe.set_parsed_query(admitted.take_document()?);
        schema
            .execute(probe)
            .await
            .errors
            .is_empty()
            .then_some(plan)
    }

    async fn execute_admitted(
        &self,
        request: Request,
        deadline: Option<std::time::Instant>,
    ) -> Option<Response> {
        let queue = BatchQueue::default();
        let loaders = Loaders::new(self.graph.clone(), self.loader_stats.clone(), &queue);
        let request = request.data(loaders);
        let mut response = pin!(match &self.schema {
            ServedSchema::Plain(schema) => Either::Left(schema.execute(request)),
            ServedSchema::Federated(schema) =>
                Either::Right(schema.execute(request.data(federation::EntityErrors::default())),),
        });
        let mut running = Vec::new();
        let mut watch: Option<(Arc<WakeWatch>, Waker)> = None;
        loop {
            let step = poll_fn(|cx| {
                let (flag, waker) = watch.get_or_insert_with(|| WakeWatch::new(cx.waker()));
                flag.follow(cx.waker());
                flag.woken.store(false, Ordering::Relaxed);
                if let Poll::Ready(response) =
                    response.as_mut().poll(&mut Context::from_waker(waker))
                {
                    return Poll::Ready(Step::Done(Box::new(response)));
                }
                if flag.woken.load(Ordering::Relaxed) {
                    // The query yielded with more to do: it is rescheduled; the level is not
                    // complete.
                    return Poll::Pending;
                }
                running.extend(queue.take());
                let before = running.len();
                running.retain_mut(|batch| batch.as_mut().poll(cx).is_pending());
                if running.len() < before {
                    Poll::Ready(Step::LevelLoaded)
                } else {
                    Poll::Pending
                }
            })
            .await;
            match step {
                Step::Done(response) => return Some(*response),
                Step::LevelLoaded
                    if deadline.is_some_and(|deadline| std::time::Instant::now() >= deadline) =>
                {
                    return None;
                }
                // The next level starts after a turn of the runtime, so that other requests
                // (and timers) get their turn between levels.
                Step::LevelLoaded => tokio::task::yield_now().await,
            }
        }
    }
}

/// What one poll of a query under way came to.
enum Step {
    Done(Box<Response>),
    /// A level's batches ran; the query goes on with the next level.
    LevelLoaded,
}

/// A waker that notes whether the query woke itself while being polled, and passes every wake
/// on to the task's own waker.
struct WakeWatch {
    woken: AtomicBool,
    task: Mutex<Waker>,
}

impl WakeWatch {
    fn new(task: &Waker) -> (Arc<WakeWatch>, Waker) {
        let watch = Arc::new(WakeWatch {
            woken: AtomicBool::new(false),
            task: Mutex::new(task.clone()),
        });
        let waker = Waker::from(watch.clone());
        (watch, waker)
    }

    fn follow(&self, task: &Waker) {
        let mut current = self.task.lock().unwrap_or_else(PoisonError::into_inner);
        if !current.will_wake(task) {
            *current = task.clone();
        }
    }
}

impl Wake for WakeWatch {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Relaxed);
        self.task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .wake_by_ref();
    }
}

/// The schemas have no extensions: their resolve chain would wrap every field of every answer
/// (what they would do is done around them, in [`admission`]).
fn schema_builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot, EmptyMutation, EmptySubscription)
}

fn federated_schema_builder() -> SchemaBuilder<FederatedRoot, EmptyMutation, EmptySubscription> {
    Schema::build(
        FederatedRoot(FederatedQuery(QueryRoot, EntityResolvers)),
        EmptyMutation,
        EmptySubscription,
    )
}

/// The schema's SDL, as served (checked into `schema.graphql`).
pub fn schema_sdl() -> String {
    schema_builder()
        .finish()
        .sdl_with_options(SDLExportOptions::new().include_specified_by())
}

/// The federated subgraph's SDL, as `_service { sdl }` gives it to a router (checked into
/// `schema.federation.graphql`).
pub fn federated_schema_sdl() -> String {
    federated_schema_builder()
        .enable_federation()
        .finish()
        .sdl_with_options(SDLExportOptions::new().federation().compose_directive())
}
