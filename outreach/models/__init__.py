"""Outreach: plans (``plans``), what they do per case (``runs``), and the texts they send (``texts``).

Letters and print batches: ``letters``. Every model is re-exported here, so ``from outreach.models import X``
works for all of them.
"""
from .letters import BATCH_DONE_STATES, Letter, LetterStatus, PrintBatch, PrintBatchPart, PrintBatchState
from .plans import (
    MESSAGE_KINDS,
    TASK_KINDS,
    ContactCondition,
    OutreachPlan,
    OutreachSettings,
    OutreachStep,
    StepKind,
)
from .runs import CaseOutreach, CaseOutreachStep, SkipReason, StepStatus, StopReason
from .texts import Channel, MessageTemplate, TargetGroup

__all__ = [
    "BATCH_DONE_STATES", "Letter", "LetterStatus", "PrintBatch", "PrintBatchPart", "PrintBatchState",
    "MESSAGE_KINDS", "TASK_KINDS", "CaseOutreach", "CaseOutreachStep", "Channel", "ContactCondition",
    "MessageTemplate", "OutreachPlan", "OutreachSettings", "OutreachStep", "SkipReason", "StepKind", "StepStatus",
    "StopReason", "TargetGroup",
]
