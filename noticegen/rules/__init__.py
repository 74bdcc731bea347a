"""Stage 3, rules: every check noticegen applies to a resolved model, grouped by concern, and the run that collects their problems.

Each rule has a stable id, a default severity and a one-line summary, declared in the
module that applies it, beside the small function that finds it. ``registry.RULES`` gathers
them all (``noticegen rules`` prints them); :mod:`~noticegen.rules.check` loads every
concern's module and runs their rule functions on each model. The modules, by concern:

- :mod:`~noticegen.rules.files`: reading files and schemas (the loader and validator
  report these; the ids live here so every rule is listed in one place);
- :mod:`~noticegen.rules.references`: ids, references, prose and unused declarations;
- :mod:`~noticegen.rules.notices`: notice sections and review dates;
- :mod:`~noticegen.rules.lawful_basis`: UK GDPR Art 6, 9 and 10 and DPA 2018 s10 and
  Schedule 1;
- :mod:`~noticegen.rules.transparency`: what Art 13 and 14 make a notice say (contacts,
  the DPO, complaints, sources, provision, transfers, consent, automated decisions);
- :mod:`~noticegen.rules.records`: retention and the record of processing (Art 30);
- :mod:`~noticegen.rules.trusts`: schools laid over a trust's base;
- :mod:`~noticegen.rules.languages`: notices in several languages (nothing left
  untranslated, every version saying the same).
- :mod:`~noticegen.rules.readability`: notices against their reading age (Art 12(1));
- :mod:`~noticegen.rules.publishing`: only confirmed values are published (no
  illustrative value outside a draft or an example project).
"""
