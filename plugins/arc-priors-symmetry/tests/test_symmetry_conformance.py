"""The full conformance kit of arc-priors: one test per rule of the Prior contract."""

from arc_priors_symmetry import prior
from priors.testing import conformance_suite

TestConformance = conformance_suite(prior)
