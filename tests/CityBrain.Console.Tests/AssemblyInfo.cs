// Each test class starts a silo of its own; on a 2-core machine they run one after another, so a browser step's
// timing measures the console, not a neighbour's start-up.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
