"""Hypothesis strategies shared by the verdict tests: raw verdict inputs, valid or not."""

import dataclasses

from hypothesis import strategies as st

from mailsettings import op25b

# The inputs a member or a client gives (not where provider_submission came from).
INPUT_FIELDS = tuple(f.name for f in dataclasses.fields(op25b.Inputs) if f.name != "provider_submission_source")

# Every word the inputs know, as strings and as numbers, plus well-formed addresses and hosts.
WORDS = [
    *op25b.IpType.values,
    *op25b.SendingVia.values,
    *op25b.ProviderSubmission.values,
    *(str(p) for p in op25b.PORTS),
    *op25b.PORTS,
    "a@b.jp",
    "gw.example.jp",
    "smtp.example.jp",
]

fields = st.sampled_from(INPUT_FIELDS)
words = st.sampled_from(WORDS)

# What Python code may pass (a form's cleaned data, a saved setup): NaN, lists, anything.
python_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 70000),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    words,
    st.lists(st.integers(), max_size=2),
)

# What a JSON body may hold, nested.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | words,
    lambda children: st.lists(children, max_size=2) | st.dictionaries(st.text(max_size=5), children, max_size=2),
    max_leaves=4,
)

python_inputs = st.dictionaries(fields, python_values, max_size=len(INPUT_FIELDS))
json_inputs = st.dictionaries(fields, json_values, max_size=len(INPUT_FIELDS))
