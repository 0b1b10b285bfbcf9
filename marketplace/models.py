"""Imports every model so that the metadata (and Alembic) sees all tables."""
from marketplace.core.pagecache import DataVersion  # noqa: F401
from marketplace.accounts.models import LoginAttempt, Organisation, User, UserRole  # noqa: F401
from marketplace.challenges.models import (Attachment, Challenge, Indicator,  # noqa: F401
                                           TermsAcceptance, Transition)
from marketplace.matching.models import ExpertiseProfile  # noqa: F401
from marketplace.search.models import SearchOutbox  # noqa: F401
from marketplace.taxonomy.models import (Chain, Cluster, Keyword, NeedChain,  # noqa: F401
                                         SynonymSet, TaxonomyVersion)
from marketplace.bids.models import (Bid, BidAttachment, BidVersion,  # noqa: F401
                                     NeedBidSettings, TeamMember, TeamProfile)
from marketplace.notifications.models import (Notification, NoticeSent,  # noqa: F401
                                              OutboxEmail)
from marketplace.qa.models import Question  # noqa: F401
from marketplace.review.models import (Assignment, ConflictDeclaration, Criterion,  # noqa: F401
                                       ReviewRound, RoundBid, Score, ScoreSheet)
from marketplace.review.award_models import (Decision, DecisionWinner,  # noqa: F401
                                             Objection, ObjectionFile, ProjectMilestone)
from marketplace.audit.models import AuditEntry, AuditHead  # noqa: F401
from marketplace.api.models import ApiToken  # noqa: F401
