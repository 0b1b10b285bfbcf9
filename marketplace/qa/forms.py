from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from marketplace.core.forms import TextRequired


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Your question"), validators=[
        TextRequired(message=_l("Write your question.")), Length(max=4000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[
        TextRequired(message=_l("Write the answer.")), Length(max=8000)])
